import sys

if __name__ == "__main__":
    if getattr(sys, "frozen", False):
        # The PyInstaller bundle: a backup's child process (app.storage.backup_process) starts this
        # same executable, which must run the child's work and not the program.
        import multiprocessing

        multiprocessing.freeze_support()
    from app.cli import main

    sys.exit(main())
