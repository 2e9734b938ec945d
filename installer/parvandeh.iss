; Inno Setup script for the Windows installer of Parvandeh (پرونده).
;
; Needs Inno Setup 6.3.0 or newer (x64compatible below, and the check that follows).
; Build with installer\build.ps1 (PyInstaller bundle, its selftest, then this script), or by hand
; after the bundle is in dist\parvandeh:
;   iscc installer\parvandeh.iss
;
; The version is pyproject.toml's only: build.ps1 passes it as /DAppVersion=...; without it, it is
; read from pyproject.toml's [project] section here (Windows' INI reader drops the quotes).
;
; Data: one folder for the whole clinic on this PC, for every Windows account (SECURITY.md asks
; for one account per person), chosen on the wizard's data page, by default
; %ProgramData%\Parvandeh\Data. Setup creates it, gives the staff group (created if missing) the
; right to change it and removes the inherited rights of other users, and names it in
; %ProgramData%\Parvandeh\parvandeh.ini, which the program reads before the user's own folder
; (app/storage/datadir.py). An upgrade keeps the folder and its ini; after copying the new program
; it runs `parvandeh-cli check`, which copies the database to backups\ before migrating it.
; Uninstall removes the program only: the data folder and the ini are never deleted.

#if VER < EncodeVer(6, 3, 0)
  #error Parvandeh's installer needs Inno Setup 6.3.0 or newer
#endif

#ifndef AppVersion
  #define AppVersion ReadIni(SourcePath + "..\pyproject.toml", "project", "version", "")
#endif
#if AppVersion == ""
  #error No version: pass /DAppVersion=... or build from the repository (pyproject.toml)
#endif

#define StaffGroup "ParvandehStaff"

[Setup]
AppId={{6C1B7E4A-5D2F-4E7B-9A51-PARVANDEH0001}
AppName=Parvandeh
AppVerName=پرونده {#AppVersion}
AppVersion={#AppVersion}
VersionInfoVersion={#AppVersion}
AppPublisher=Parvandeh
DefaultDirName={autopf}\Parvandeh
DefaultGroupName=پرونده
DisableProgramGroupPage=yes
PrivilegesRequired=admin
OutputDir=..\dist
OutputBaseFilename=parvandeh-setup-{#AppVersion}
SetupIconFile=..\resources\parvandeh.ico
UninstallDisplayIcon={app}\parvandeh.exe
UninstallDisplayName=پرونده {#AppVersion}
Compression=lzma2
SolidCompression=yes
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0
WizardStyle=modern
CloseApplications=yes
ShowLanguageDialog=no

[Languages]
; Default.isl ships with every Inno Setup; Farsi.isl (kept here) gives the Persian, right-to-left
; wizard and overrides it message by message.
Name: "fa"; MessagesFile: "compiler:Default.isl,Farsi.isl"

[Files]
Source: "..\dist\parvandeh\*"; DestDir: "{app}"; Flags: recursesubdirs ignoreversion createallsubdirs

[Icons]
Name: "{group}\پرونده"; Filename: "{app}\parvandeh.exe"
Name: "{autodesktop}\پرونده"; Filename: "{app}\parvandeh.exe"; Tasks: desktopicon

[Tasks]
Name: "desktopicon"; Description: "{cm:DesktopShortcut}"; Flags: unchecked

[Run]
Filename: "{app}\parvandeh.exe"; Description: "{cm:RunParvandeh}"; Flags: nowait postinstall skipifsilent

; No [UninstallDelete] and no [UninstallRun]: uninstall never touches the clinic's data.

[Code]
var
  DataPage: TInputDirWizardPage;
  GroupPage: TInputQueryWizardPage;

function ConfigFile: String;
begin
  Result := ExpandConstant('{commonappdata}\Parvandeh\parvandeh.ini');
end;

{ The folder an earlier install named, or '' on a first install. }
function PreviousDataDir: String;
var
  Lines: TArrayOfString;
  I: Integer;
  Line: String;
begin
  Result := '';
  if LoadStringsFromFile(ConfigFile, Lines) then
    for I := 0 to GetArrayLength(Lines) - 1 do
    begin
      Line := Trim(Lines[I]);
      if Pos('folder', Lowercase(Line)) = 1 then
      begin
        Delete(Line, 1, Pos('=', Line));
        Result := Trim(Line);
      end;
    end;
end;

function IsUpgrade: Boolean;
begin
  Result := PreviousDataDir <> '';
end;

procedure InitializeWizard;
begin
  DataPage := CreateInputDirPage(wpSelectDir, CustomMessage('DataPageTitle'),
    CustomMessage('DataPageDescription'), CustomMessage('DataPageText'), False, 'Data');
  DataPage.Add('');
  DataPage.Values[0] := ExpandConstant('{commonappdata}\Parvandeh\Data');
  GroupPage := CreateInputQueryPage(DataPage.ID, CustomMessage('GroupPageTitle'),
    CustomMessage('GroupPageDescription'), CustomMessage('GroupPageText'));
  GroupPage.Add(CustomMessage('GroupPageLabel'), False);
  GroupPage.Values[0] := '{#StaffGroup}';
end;

{ On an upgrade the clinic's folder stays where it is: both pages are skipped. }
function ShouldSkipPage(PageID: Integer): Boolean;
begin
  Result := IsUpgrade and ((PageID = DataPage.ID) or (PageID = GroupPage.ID));
end;

function DataDir: String;
begin
  if IsUpgrade then
    Result := PreviousDataDir
  else
    Result := DataPage.Values[0];
end;

function RunHidden(const Exe, Params: String): Integer;
var
  Code: Integer;
begin
  if Exec(Exe, Params, '', SW_HIDE, ewWaitUntilTerminated, Code) then
    Result := Code
  else
    Result := -1;
end;

{ The staff group, and the folder's rights: SYSTEM and Administrators (by SID, which any language of
  Windows understands) full control, the staff group modify, everyone else nothing. }
procedure SecureDataDir(const Dir, Group: String);
var
  Code: Integer;
begin
  RunHidden(ExpandConstant('{sys}\net.exe'), 'localgroup "' + Group + '" /add /comment:"Parvandeh"');
  Code := RunHidden(ExpandConstant('{sys}\icacls.exe'), '"' + Dir + '" /inheritance:r /grant:r ' +
    '*S-1-5-18:(OI)(CI)F *S-1-5-32-544:(OI)(CI)F "' + Group + '":(OI)(CI)M /T /C /Q');
  if Code <> 0 then
    MsgBox(FmtMessage(CustomMessage('AclFailed'), [Dir, Group]), mbError, MB_OK);
end;

procedure WriteConfig(const Dir: String);
var
  Lines: TArrayOfString;
begin
  ForceDirectories(ExtractFileDir(ConfigFile));
  SetArrayLength(Lines, 3);
  Lines[0] := '; The clinic''s data folder for every account on this PC (written by setup; read by Parvandeh).';
  Lines[1] := '[data]';
  Lines[2] := 'folder=' + Dir;
  if not SaveStringsToUTF8File(ConfigFile, Lines, False) then
    MsgBox(FmtMessage(CustomMessage('ConfigFailed'), [ConfigFile]), mbError, MB_OK);
end;

{ An existing database is opened once by the new program: it copies it to backups\ and then
  migrates it (app/storage/datadir.py, open_database). }
procedure MigrateExistingData(const Dir: String);
var
  Code: Integer;
begin
  if not FileExists(AddBackslash(Dir) + 'parvandeh.sqlite3') then
    Exit;
  Code := RunHidden(ExpandConstant('{app}\parvandeh-cli.exe'), 'check --data-dir "' + Dir + '"');
  if Code <> 0 then
    MsgBox(FmtMessage(CustomMessage('MigrateFailed'), [Dir]), mbError, MB_OK);
end;

procedure CurStepChanged(CurStep: TSetupStep);
var
  Dir: String;
begin
  if CurStep = ssPostInstall then
  begin
    Dir := DataDir;
    if not IsUpgrade then
    begin
      ForceDirectories(Dir);
      SecureDataDir(Dir, GroupPage.Values[0]);
      WriteConfig(Dir);
    end;
    MigrateExistingData(Dir);
  end;
end;
