# Builds Parvandeh's Windows installer: dist\parvandeh-setup-<version>.exe
#   powershell -ExecutionPolicy Bypass -File installer\build.ps1
# Needs: Python 3.11 (64-bit, the py launcher), Inno Setup 6.3.0 or newer (iscc.exe on PATH or in
# its default folder). Every step stops the build when it fails:
#   1. a fresh build venv from requirements\build.txt, every file checked against its SHA-256;
#   2. PyInstaller from installer\parvandeh.spec (every module and data file of `app`);
#   3. the bundle's own `parvandeh-cli selftest` (modules, fonts, revisions, commands, import
#      template, each document printed, signed and verified, every page and case tab, offscreen);
#   4. Inno Setup with the version read from pyproject.toml (the only place it is written).
$ErrorActionPreference = "Stop"
Set-Location (Split-Path -Parent $PSScriptRoot)

function Step($what, [scriptblock]$run) {
    Write-Host "== $what"
    & $run
    if ($LASTEXITCODE -ne 0) { throw "failed ($LASTEXITCODE): $what" }
}

$version = (& py -3.11 -c "import tomllib;print(tomllib.load(open('pyproject.toml','rb'))['project']['version'])").Trim()
if (-not $version) { throw "no version in pyproject.toml" }

if (Test-Path .venv-build) { Remove-Item -Recurse -Force .venv-build }
Step "build venv" { py -3.11 -m venv .venv-build }
$py = ".venv-build\Scripts\python.exe"
Step "dependencies from requirements\build.txt (hashes checked)" { & $py -m pip install -q --require-hashes -r requirements\build.txt }
Step "the program itself" { & $py -m pip install -q --no-deps --no-build-isolation . }
Step "PyInstaller" { & $py -m PyInstaller installer\parvandeh.spec --noconfirm --distpath dist --workpath build }
$env:QT_QPA_PLATFORM = "offscreen"
Step "selftest of the bundle" { & dist\parvandeh\parvandeh-cli.exe selftest }
Remove-Item Env:QT_QPA_PLATFORM

$iscc = (Get-Command iscc.exe -ErrorAction SilentlyContinue).Source
if (-not $iscc) { $iscc = "${env:ProgramFiles(x86)}\Inno Setup 6\ISCC.exe" }
if (-not (Test-Path $iscc)) { throw "Inno Setup 6.3+ (ISCC.exe) not found" }
Step "Inno Setup $version" { & $iscc "/DAppVersion=$version" installer\parvandeh.iss }
Write-Host "built: dist\parvandeh-setup-$version.exe"
