"""The program itself: start and end, the main window, the runner, session, style, window settings, sign-in, lock, messages."""
