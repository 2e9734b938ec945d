; *** Persian (فارسی) messages for Inno Setup 6.3+, written for Parvandeh ***
;
; Written for this project in Persian from the message keys of Inno Setup's English Default.isl;
; no text of another translation is copied. Licence: see installer/Farsi.LICENSE.txt.
; Used as  MessagesFile: "compiler:Default.isl,Farsi.isl"  so that any message not translated here
; (rare errors of setups that use features Parvandeh does not) falls back to Default.isl.
; Saved as UTF-8 with a byte-order mark: Inno Setup reads such a file as Unicode.

[LangOptions]
LanguageName=فارسی
LanguageID=$0429
LanguageCodePage=0
RightToLeft=yes
DialogFontName=Tahoma
WelcomeFontName=Tahoma
TitleFontName=Tahoma
CopyrightFontName=Tahoma

[Messages]

; *** Application titles
SetupAppTitle=نصب
SetupWindowTitle=نصب - %1
UninstallAppTitle=حذف
UninstallAppFullTitle=حذف %1

; *** Misc. common
InformationTitle=آگاهی
ConfirmTitle=تأیید
ErrorTitle=خطا

; *** SetupLdr messages
SetupLdrStartupMessage=%1 نصب خواهد شد. ادامه می‌دهید؟
LdrCannotCreateTemp=پرونده موقت ساخته نشد. نصب متوقف شد
LdrCannotExecTemp=پرونده‌ای در پوشه موقت اجرا نشد. نصب متوقف شد

; *** Startup error messages
LastErrorMessage=%1.%n%nخطای %2: %3
SetupFileMissing=پرونده %1 در پوشه نصب نیست. لطفاً مشکل را برطرف کنید یا نسخه تازه‌ای از برنامه بگیرید.
SetupFileCorrupt=پرونده‌های نصب آسیب دیده‌اند. لطفاً نسخه تازه‌ای از برنامه بگیرید.
SetupFileCorruptOrWrongVer=پرونده‌های نصب آسیب دیده‌اند یا با این نسخه از برنامه نصب سازگار نیستند. لطفاً مشکل را برطرف کنید یا نسخه تازه‌ای از برنامه بگیرید.
InvalidParameter=پارامتر نادرستی در خط فرمان آمده است:%n%n%1
SetupAlreadyRunning=برنامه نصب هم‌اکنون در حال اجراست.
WindowsVersionNotSupported=این برنامه از نسخه ویندوز این رایانه پشتیبانی نمی‌کند.
WindowsServicePackRequired=این برنامه به %1 سرویس‌پک %2 یا بالاتر نیاز دارد.
NotOnThisPlatform=این برنامه روی %1 اجرا نمی‌شود.
OnlyOnThisPlatform=این برنامه باید روی %1 اجرا شود.
OnlyOnTheseArchitectures=این برنامه فقط روی نسخه‌هایی از ویندوز نصب می‌شود که برای این پردازنده‌ها ساخته شده‌اند:%n%n%1
WinVersionTooLowError=این برنامه به %1 نسخه %2 یا بالاتر نیاز دارد.
WinVersionTooHighError=این برنامه روی %1 نسخه %2 یا بالاتر نصب نمی‌شود.
AdminPrivilegesRequired=برای نصب این برنامه باید با حساب مدیر (Administrator) وارد شده باشید.
PowerUserPrivilegesRequired=برای نصب این برنامه باید با حساب مدیر یا عضو گروه Power Users وارد شده باشید.
SetupAppRunningError=برنامه نصب دریافت که %1 هم‌اکنون باز است.%n%nلطفاً همه پنجره‌های آن را ببندید، سپس «تأیید» را برای ادامه یا «انصراف» را برای خروج بزنید.
UninstallAppRunningError=برنامه حذف دریافت که %1 هم‌اکنون باز است.%n%nلطفاً همه پنجره‌های آن را ببندید، سپس «تأیید» را برای ادامه یا «انصراف» را برای خروج بزنید.

; *** Startup questions
PrivilegesRequiredOverrideInstruction=شیوه نصب را برگزینید
PrivilegesRequiredOverrideAllUsers=نصب برای &همه کاربران
PrivilegesRequiredOverrideCurrentUser=نصب فقط برای &من
PrivilegesRequiredOverrideRecommended=%1 (پیشنهادی)

; *** Misc. errors
ErrorCreatingDir=برنامه نصب نتوانست پوشه «%1» را بسازد
ErrorTooManyFilesInDir=در پوشه «%1» پرونده‌ای ساخته نشد، چون پرونده‌های آن بیش از اندازه است

; *** Setup common messages
ExitSetupTitle=خروج از نصب
ExitSetupMessage=نصب تمام نشده است. اگر اکنون خارج شوید، برنامه نصب نخواهد شد.%n%nمی‌توانید بعداً دوباره برنامه نصب را اجرا کنید.%n%nاز نصب خارج می‌شوید؟
AboutSetupMenuItem=&درباره برنامه نصب...
AboutSetupTitle=درباره برنامه نصب
AboutSetupMessage=%1 نسخه %2%n%3%n%nصفحه خانگی %1:%n%4

; *** Buttons
ButtonBack=< &قبلی
ButtonNext=&بعدی >
ButtonInstall=&نصب
ButtonOK=تأیید
ButtonCancel=انصراف
ButtonYes=&بله
ButtonYesToAll=بله برای &همه
ButtonNo=&خیر
ButtonNoToAll=&خیر برای همه
ButtonFinish=&پایان
ButtonBrowse=&انتخاب...
ButtonWizardBrowse=ا&نتخاب...
ButtonNewFolder=&ساخت پوشه تازه

; *** "Select Language" dialog messages
SelectLanguageTitle=زبان نصب
SelectLanguageLabel=زبانی را که در هنگام نصب به کار می‌رود برگزینید:

; *** Common wizard text
ClickNext=برای ادامه «بعدی» و برای خروج از نصب «انصراف» را بزنید.
BrowseDialogTitle=انتخاب پوشه
BrowseDialogLabel=پوشه‌ای را از فهرست زیر برگزینید و «تأیید» را بزنید.
NewFolderName=پوشه تازه

; *** "Welcome" wizard page
WelcomeLabel1=به برنامه نصب [name] خوش آمدید
WelcomeLabel2=[name/ver] روی این رایانه نصب خواهد شد.%n%nپیشنهاد می‌شود پیش از ادامه، برنامه‌های باز دیگر را ببندید.

; *** "Password" wizard page
WizardPassword=رمز عبور
PasswordLabel1=این نصب با رمز عبور محافظت شده است.
PasswordLabel3=لطفاً رمز عبور را وارد کنید و «بعدی» را بزنید. کوچکی و بزرگی حروف مهم است.
PasswordEditLabel=&رمز عبور:
IncorrectPassword=رمز عبور واردشده درست نیست. دوباره امتحان کنید.

; *** "License Agreement" wizard page
WizardLicense=موافقت‌نامه
LicenseLabel=لطفاً پیش از ادامه این آگاهی مهم را بخوانید.
LicenseLabel3=لطفاً موافقت‌نامه زیر را بخوانید. برای ادامه نصب باید شرایط آن را بپذیرید.
LicenseAccepted=موافقت‌نامه را &می‌پذیرم
LicenseNotAccepted=موافقت‌نامه را &نمی‌پذیرم

; *** "Information" wizard pages
WizardInfoBefore=آگاهی
InfoBeforeLabel=لطفاً پیش از ادامه این آگاهی مهم را بخوانید.
InfoBeforeClickLabel=هر وقت آماده ادامه نصب بودید «بعدی» را بزنید.
WizardInfoAfter=آگاهی
InfoAfterLabel=لطفاً پیش از ادامه این آگاهی مهم را بخوانید.
InfoAfterClickLabel=هر وقت آماده ادامه نصب بودید «بعدی» را بزنید.

; *** "Select Destination Location" wizard page
WizardSelectDir=جای نصب برنامه
SelectDirDesc=[name] در کجا نصب شود؟
SelectDirLabel3=[name] در این پوشه نصب خواهد شد.
SelectDirBrowseLabel=برای ادامه «بعدی» را بزنید. برای انتخاب پوشه دیگر «انتخاب» را بزنید.
DiskSpaceMBLabel=دست‌کم [mb] مگابایت فضای خالی دیسک لازم است.
CannotInstallToNetworkDrive=برنامه روی درایو شبکه نصب نمی‌شود.
CannotInstallToUNCPath=برنامه در مسیر UNC نصب نمی‌شود.
InvalidPath=باید مسیر کامل با حرف درایو بدهید، مانند:%n%nC:\APP%n%nیا یک مسیر UNC به شکل:%n%n\\server\share
InvalidDrive=درایو یا مسیر اشتراکی انتخاب‌شده وجود ندارد یا در دسترس نیست. لطفاً دیگری را برگزینید.
DiskSpaceWarningTitle=فضای دیسک کافی نیست
DiskSpaceWarning=برای نصب دست‌کم %1 کیلوبایت فضای خالی لازم است، ولی درایو انتخاب‌شده فقط %2 کیلوبایت فضای خالی دارد.%n%nبا این حال ادامه می‌دهید؟
DirNameTooLong=نام یا مسیر پوشه بیش از اندازه بلند است.
InvalidDirName=نام پوشه درست نیست.
BadDirName32=نام پوشه نمی‌تواند این نویسه‌ها را داشته باشد:%n%n%1
DirExistsTitle=پوشه وجود دارد
DirExists=پوشه:%n%n%1%n%nاز پیش وجود دارد. با این حال در همین پوشه نصب شود؟
DirDoesntExistTitle=پوشه وجود ندارد
DirDoesntExist=پوشه:%n%n%1%n%nوجود ندارد. ساخته شود؟

; *** "Select Components" wizard page
WizardSelectComponents=انتخاب اجزا
SelectComponentsDesc=کدام اجزا نصب شوند؟
SelectComponentsLabel2=اجزایی را که می‌خواهید نصب شوند علامت بزنید و بقیه را بردارید. هر وقت آماده بودید «بعدی» را بزنید.
FullInstallation=نصب کامل
CompactInstallation=نصب فشرده
CustomInstallation=نصب دلخواه
ComponentSize1=%1 کیلوبایت
ComponentSize2=%1 مگابایت
ComponentsDiskSpaceMBLabel=انتخاب کنونی دست‌کم [mb] مگابایت فضای دیسک لازم دارد.

; *** "Select Additional Tasks" wizard page
WizardSelectTasks=کارهای بیشتر
SelectTasksDesc=چه کارهای دیگری انجام شود؟
SelectTasksLabel2=کارهای دیگری را که می‌خواهید هنگام نصب [name] انجام شوند برگزینید و «بعدی» را بزنید.

; *** "Select Start Menu Folder" wizard page
WizardSelectProgramGroup=پوشه منوی شروع
SelectStartMenuFolderDesc=میانبرهای برنامه کجا ساخته شوند؟
SelectStartMenuFolderLabel3=میانبرهای برنامه در این پوشه منوی شروع ساخته خواهند شد.
SelectStartMenuFolderBrowseLabel=برای ادامه «بعدی» را بزنید. برای انتخاب پوشه دیگر «انتخاب» را بزنید.
MustEnterGroupName=باید نام پوشه را وارد کنید.
GroupNameTooLong=نام یا مسیر پوشه بیش از اندازه بلند است.
InvalidGroupName=نام پوشه درست نیست.
BadGroupName=نام پوشه نمی‌تواند این نویسه‌ها را داشته باشد:%n%n%1
NoProgramGroupCheck2=پوشه‌ای در منوی شروع &ساخته نشود

; *** "Ready to Install" wizard page
WizardReady=آماده نصب
ReadyLabel1=برنامه نصب آماده است تا [name] را روی این رایانه نصب کند.
ReadyLabel2a=برای ادامه نصب «نصب» را بزنید؛ برای دیدن یا تغییر تنظیمات «قبلی» را بزنید.
ReadyLabel2b=برای ادامه نصب «نصب» را بزنید.
ReadyMemoUserInfo=آگاهی کاربر:
ReadyMemoDir=جای نصب:
ReadyMemoType=نوع نصب:
ReadyMemoComponents=اجزای انتخاب‌شده:
ReadyMemoGroup=پوشه منوی شروع:
ReadyMemoTasks=کارهای بیشتر:

; *** "Preparing to Install" wizard page
WizardPreparing=آماده‌سازی نصب
PreparingDesc=برنامه نصب در حال آماده شدن برای نصب [name] روی این رایانه است.
PreviousInstallNotCompleted=نصب یا حذف برنامه‌ای که پیش‌تر انجام شد تمام نشده است. برای پایان آن باید رایانه را دوباره راه‌اندازی کنید.%n%nپس از راه‌اندازی دوباره، برنامه نصب را دوباره اجرا کنید تا نصب [name] کامل شود.
CannotContinue=نصب نمی‌تواند ادامه یابد. لطفاً برای خروج «انصراف» را بزنید.
ApplicationsFound=این برنامه‌ها از پرونده‌هایی استفاده می‌کنند که نصب باید آن‌ها را به‌روز کند. پیشنهاد می‌شود بگذارید برنامه نصب آن‌ها را خودکار ببندد.
ApplicationsFound2=این برنامه‌ها از پرونده‌هایی استفاده می‌کنند که نصب باید آن‌ها را به‌روز کند. پیشنهاد می‌شود بگذارید برنامه نصب آن‌ها را خودکار ببندد. پس از پایان نصب، برنامه نصب آن‌ها را دوباره باز می‌کند.
CloseApplications=برنامه‌ها &خودکار بسته شوند
DontCloseApplications=برنامه‌ها &بسته نشوند
ErrorCloseApplications=برنامه نصب نتوانست همه برنامه‌ها را خودکار ببندد. پیشنهاد می‌شود پیش از ادامه، برنامه‌هایی را که از پرونده‌های در حال به‌روزرسانی استفاده می‌کنند ببندید.

; *** "Installing" wizard page
WizardInstalling=در حال نصب
InstallingLabel=لطفاً صبر کنید تا [name] روی این رایانه نصب شود.

; *** "Setup Completed" wizard page
FinishedHeadingLabel=پایان نصب [name]
FinishedLabelNoIcons=نصب [name] روی این رایانه به پایان رسید.
FinishedLabel=نصب [name] روی این رایانه به پایان رسید. برنامه را می‌توانید با میانبرهای ساخته‌شده باز کنید.
ClickFinish=برای خروج از نصب «پایان» را بزنید.
FinishedRestartLabel=برای پایان نصب [name] باید رایانه دوباره راه‌اندازی شود. اکنون راه‌اندازی شود؟
FinishedRestartMessage=برای پایان نصب [name] باید رایانه دوباره راه‌اندازی شود.%n%nاکنون راه‌اندازی شود؟
ShowReadmeCheck=بله، می‌خواهم پرونده راهنما را ببینم
YesRadio=&بله، رایانه اکنون دوباره راه‌اندازی شود
NoRadio=&خیر، بعداً خودم رایانه را دوباره راه‌اندازی می‌کنم
RunEntryExec=اجرای %1
RunEntryShellExec=دیدن %1

; *** Installation phase messages
SetupAborted=نصب کامل نشد.%n%nلطفاً مشکل را برطرف کنید و برنامه نصب را دوباره اجرا کنید.
AbortRetryIgnoreChooseAction=کاری را برگزینید
AbortRetryIgnoreRetry=&دوباره
AbortRetryIgnoreProceedAnyway=&با این حال ادامه
AbortRetryIgnoreCancel=انصراف از نصب

; *** Installation status messages
StatusClosingApplications=بستن برنامه‌ها...
StatusCreateDirs=ساختن پوشه‌ها...
StatusExtractFiles=بازکردن پرونده‌ها...
StatusCreateIcons=ساختن میانبرها...
StatusCreateIniEntries=نوشتن تنظیمات INI...
StatusCreateRegistryEntries=نوشتن در رجیستری...
StatusRegisterFiles=ثبت پرونده‌ها...
StatusSavingUninstall=نگه‌داشتن آگاهی حذف...
StatusRunProgram=پایان نصب...
StatusRestartingApplications=بازکردن دوباره برنامه‌ها...
StatusRollback=برگرداندن تغییرها...

; *** Misc. errors
ErrorInternal2=خطای درونی: %1
ErrorFunctionFailedNoCode=%1 انجام نشد
ErrorFunctionFailed=%1 انجام نشد؛ کد %2
ErrorFunctionFailedWithMessage=%1 انجام نشد؛ کد %2.%n%3
ErrorExecutingProgram=این پرونده اجرا نشد:%n%1

; *** File copying errors
SourceIsCorrupted=پرونده مبدأ آسیب دیده است
SourceDoesntExist=پرونده مبدأ «%1» وجود ندارد
ExistingFileReadOnly=پرونده موجود فقط‌خواندنی است.
FileExists=این پرونده از پیش وجود دارد.%n%nبرنامه نصب آن را جایگزین کند؟
ExistingFileNewer=پرونده موجود از پرونده‌ای که برنامه نصب می‌خواهد نصب کند تازه‌تر است. پیشنهاد می‌شود پرونده موجود را نگه دارید.%n%nپرونده موجود نگه داشته شود؟
ErrorCopying=هنگام رونوشت یک پرونده خطایی پیش آمد:
ErrorReplacingExistingFile=هنگام جایگزینی پرونده موجود خطایی پیش آمد:

; *** Uninstall display name markings
UninstallDisplayNameMark64Bit=۶۴ بیتی
UninstallDisplayNameMarkAllUsers=همه کاربران
UninstallDisplayNameMarkCurrentUser=کاربر کنونی

; *** Post-installation errors
ErrorOpeningReadme=هنگام بازکردن پرونده راهنما خطایی پیش آمد.
ErrorRestartingComputer=برنامه نصب نتوانست رایانه را دوباره راه‌اندازی کند. لطفاً خودتان این کار را بکنید.

; *** Uninstaller messages
UninstallNotFound=پرونده «%1» وجود ندارد. حذف انجام نمی‌شود.
UninstallOpenError=پرونده «%1» باز نشد. حذف انجام نمی‌شود
ConfirmUninstall=آیا می‌خواهید %1 را حذف کنید؟ داده‌های کلینیک (پوشه داده) حذف نمی‌شوند.
OnlyAdminCanUninstall=این برنامه را فقط کاربری با دسترسی مدیر (Administrator) می‌تواند حذف کند.
UninstallStatusLabel=لطفاً صبر کنید تا %1 از این رایانه حذف شود.
UninstalledAll=%1 از این رایانه حذف شد. پوشه داده کلینیک سر جای خود مانده است.
UninstalledMost=حذف %1 تمام شد.%n%nبرخی بخش‌ها حذف نشدند؛ می‌توانید آن‌ها را خودتان پاک کنید.
UninstalledAndNeedsRestart=برای پایان حذف %1 باید رایانه دوباره راه‌اندازی شود.%n%nاکنون راه‌اندازی شود؟
UninstallDataCorrupted=پرونده «%1» آسیب دیده است. حذف انجام نمی‌شود

; *** Uninstallation phase messages
ConfirmDeleteSharedFileTitle=پرونده مشترک حذف شود؟
SharedFileNameLabel=نام پرونده:
SharedFileLocationLabel=جا:
WizardUninstalling=وضعیت حذف
StatusUninstalling=در حال حذف %1...

; *** Shutdown block reasons
ShutdownBlockReasonInstallingApp=در حال نصب %1.
ShutdownBlockReasonUninstallingApp=در حال حذف %1.

[CustomMessages]

NameAndVersion=%1 نسخه %2
AdditionalIcons=میانبرهای بیشتر:
CreateDesktopIcon=ساخت میانبر روی &میز کار
UninstallProgram=حذف %1
LaunchProgram=اجرای %1

; Parvandeh's own pages and messages (parvandeh.iss)
DesktopShortcut=میانبر پرونده روی میز کار
RunParvandeh=اجرای پرونده
DataPageTitle=پوشه داده کلینیک
DataPageDescription=پرونده‌های مددجویان، گزارش‌ها و نسخه‌های پشتیبان کجا نگه داشته شوند؟
DataPageText=همه حساب‌های ویندوز این رایانه از همین یک پوشه استفاده می‌کنند (برای هر کارمند یک حساب ویندوز). پوشه‌ای روی همین رایانه برگزینید؛ در به‌روزرسانی و حذف برنامه، این پوشه و داده‌های آن دست نمی‌خورند.
GroupPageTitle=گروه کارکنان
GroupPageDescription=کدام حساب‌های ویندوز به پوشه داده دسترسی دارند؟
GroupPageText=برنامه نصب این گروه محلی ویندوز را (اگر نباشد) می‌سازد و فقط به آن، به مدیران ویندوز و به سیستم اجازه دسترسی به پوشه داده را می‌دهد. پس از نصب، حساب ویندوز هر کارمند را به این گروه بیفزایید.
GroupPageLabel=نام گروه:
AclFailed=دسترسی پوشه داده «%1» برای گروه «%2» تنظیم نشد. پس از نصب، در ویژگی‌های پوشه (زبانه Security) به این گروه اجازه Modify بدهید.
ConfigFailed=پرونده تنظیمات «%1» نوشته نشد؛ برنامه پوشه داده مشترک را پیدا نخواهد کرد.
MigrateFailed=پایگاه داده در «%1» به نسخه تازه درنیامد. یک نسخه پشتیبان در پوشه backups آن هست. برنامه را باز کنید تا پیام خطا را ببینید، یا با پشتیبانی تماس بگیرید.
