; Inno Setup script for the Windows installer. Build after PyInstaller:
;   iscc installer\parvandeh.iss
; Installs per machine; the clinic's data stays in each user's data folder (or the folder set in
; PARVANDEH_DATA_DIR) and is never touched by install, upgrade or uninstall.
#define AppVersion "0.1.0"

[Setup]
AppId={{6C1B7E4A-5D2F-4E7B-9A51-PARVANDEH0001}
AppName=Parvandeh
AppVerName=پرونده {#AppVersion}
AppVersion={#AppVersion}
AppPublisher=Parvandeh
DefaultDirName={autopf}\Parvandeh
DefaultGroupName=پرونده
OutputBaseFilename=parvandeh-setup-{#AppVersion}
Compression=lzma2
SolidCompression=yes
ArchitecturesInstallIn64BitMode=x64compatible
WizardStyle=modern
UninstallDisplayName=پرونده

[Languages]
Name: "fa"; MessagesFile: "compiler:Languages\Farsi.isl"

[Files]
Source: "..\dist\parvandeh\*"; DestDir: "{app}"; Flags: recursesubdirs ignoreversion

[Icons]
Name: "{group}\پرونده"; Filename: "{app}\parvandeh.exe"
Name: "{autodesktop}\پرونده"; Filename: "{app}\parvandeh.exe"; Tasks: desktopicon

[Tasks]
Name: "desktopicon"; Description: "میانبر روی میز کار"; Flags: unchecked

[Run]
Filename: "{app}\parvandeh.exe"; Description: "اجرای پرونده"; Flags: nowait postinstall skipifsilent
