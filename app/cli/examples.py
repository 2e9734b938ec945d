"""Examples («نمونه‌ها:») for the sub-commands whose modules give none, by the command's words.

app.cli gives each parser the examples named by its own words here, else those of app.cli.EXAMPLES, else
its parent's; tests/release/test_cli_help.py parses every example line with the real parser. Kept apart
from the commands' modules so that adding an example never collides with a change to a command."""

SIGN_IN = "خط اول ورودی استاندارد رمز عبور کاربر است (--user)."

EXAMPLES: dict[str, str] = {
    "report invoice": SIGN_IN + " با --sign، خط دوم رمز کلید امضا.\n\nنمونه‌ها:\n"
                      "  printf 'رمز\\nرمز\\n' | parvandeh report invoice --user manager --month 1405/08 "
                      "--out invoice.pdf --sign\n"
                      "  echo 'رمز' | parvandeh report invoice --user manager --month 1405/08 --contract 12/345 "
                      "--out invoice.pdf",
    "key": "نمونه‌ها:\n  echo 'رمز' | parvandeh key export --user manager --out clinic.cer",
    "key export": "گواهی (نه کلید خصوصی) برای ثبت کلینیک در میز اداره. " + SIGN_IN + "\n\nنمونه‌ها:\n"
                  "  echo 'رمز' | parvandeh key export --user manager --out clinic.cer",
    "connect": "فقط مدیر؛ اتصال نخست آزموده و سپس برای این رایانه ذخیره می‌شود. " + SIGN_IN + "\n\nنمونه‌ها:\n"
               "  echo 'رمز' | parvandeh connect --user manager --url "
               "postgresql://parvandeh:رمز@192.168.1.10:5432/parvandeh --data-dir D:\\Parvandeh",
    "server": "نمونه‌ها:\n  parvandeh server setup --role parvandeh --database parvandeh",
    "server setup": "روی رایانه سرور و با دسترسی مدیر سیستم اجرا شود.\n\nنمونه‌ها:\n"
                    "  parvandeh server setup\n  parvandeh server setup --role parvandeh --database parvandeh",
    "selftest": "یک خط برای هر بررسی؛ اگر یکی نادرست باشد کد خروج صفر نیست.\n\nنمونه‌ها:\n"
                "  parvandeh selftest\n  parvandeh selftest --no-gui --keep /tmp/selftest --today 2026-11-23",
    "office": "میز اداره پوشه داده خودش را دارد (--data-dir).\n\nنمونه‌ها:\n"
              "  echo 'رمز' | parvandeh office init --office 'اداره بهزیستی شهرستان ری' --username desk "
              "--data-dir D:\\Office\n"
              "  echo 'رمز' | parvandeh office receive --user desk --data-dir D:\\Office E:\\reports",
    "office init": "رمز نخستین کاربر دو بار پرسیده می‌شود، یا یک خط از ورودی استاندارد.\n\nنمونه‌ها:\n"
                   "  echo 'رمز' | parvandeh office init --office 'اداره بهزیستی شهرستان ری' --username desk "
                   "--full-name 'سارا کریمی' --province تهران --data-dir D:\\Office",
    "office clinic": "نمونه‌ها:\n  echo 'رمز' | parvandeh office clinic list --user desk --data-dir D:\\Office",
    "office clinic add": SIGN_IN + "\n\nنمونه‌ها:\n"
                         "  echo 'رمز' | parvandeh office clinic add --user desk --data-dir D:\\Office "
                         "--certificate clinic.cer --licence 1234/56 --county ری --contract 12/345 "
                         "--capacity 40 --fee 25000000 --start 1405/01/01 --end 1405/12/29",
    "office clinic list": "نمونه‌ها:\n"
                          "  echo 'رمز' | parvandeh office clinic list --user desk --data-dir D:\\Office --format json",
    "office contract": "نمونه‌ها:\n  echo 'رمز' | parvandeh office contract add --user desk --data-dir D:\\Office "
                       "--licence 1234/56 --contract 12/346 --capacity 20 --fee 25000000",
    "office contract add": SIGN_IN + "\n\nنمونه‌ها:\n"
                           "  echo 'رمز' | parvandeh office contract add --user desk --data-dir D:\\Office "
                           "--licence 1234/56 --contract 12/346 --capacity 20 --fee 25000000 "
                           "--start 1405/07/01 --end 1406/06/31",
    "office receive": "هر فایل جداگانه پذیرفته یا با دلیلش رد می‌شود. " + SIGN_IN + "\n\nنمونه‌ها:\n"
                      "  echo 'رمز' | parvandeh office receive --user desk --data-dir D:\\Office E:\\reports\n"
                      "  echo 'رمز' | parvandeh office receive --user desk --jobs 2 MR-1405-08.pdf",
    "office summary": SIGN_IN + "\n\nنمونه‌ها:\n"
                      "  echo 'رمز' | parvandeh office summary --user desk --data-dir D:\\Office --month 1405/08\n"
                      "  echo 'رمز' | parvandeh office summary --user desk --month 1405/08 --format json "
                      "--xlsx month.xlsx",
    "payments": "فقط مدیر. " + SIGN_IN + "\n\nنمونه‌ها:\n"
                "  echo 'رمز' | parvandeh payments add --user manager --date 1405/09/10 --amount 250000000 "
                "--ref 123456\n"
                "  echo 'رمز' | parvandeh payments list --user manager --format json",
    "payments add": "فقط مدیر. " + SIGN_IN + "\n\nنمونه‌ها:\n"
                    "  echo 'رمز' | parvandeh payments add --user manager --date 1405/09/10 --amount 250000000 "
                    "--ref 123456\n"
                    "  echo 'رمز' | parvandeh payments add --user manager --contract 12/345 --date 1405/09/10 "
                    "--amount 90000000 --invoice INV-1405-08-0001:90000000",
    "payments list": "نمونه‌ها:\n  echo 'رمز' | parvandeh payments list --user manager --contract 12/345",
    "payments reverse": "پرداخت پاک نمی‌شود؛ ردیف برگشت کنار آن ثبت می‌شود.\n\nنمونه‌ها:\n"
                        "  echo 'رمز' | parvandeh payments reverse --user manager 7 --reason 'مبلغ اشتباه'",
    "payments deliver": "نمونه‌ها:\n  echo 'رمز' | parvandeh payments deliver --user manager "
                        "--invoice INV-1405-08-0001 --date 1405/09/03 --how حضوری",
    "receivables": "فقط مدیر. " + SIGN_IN + " با --sign، خط دوم رمز عبور مدیر برای امضا.\n\nنمونه‌ها:\n"
                   "  echo 'رمز' | parvandeh receivables --user manager --xlsx receivables.xlsx\n"
                   "  printf 'رمز\\nرمز\\n' | parvandeh receivables --user manager "
                   "--letter 'اداره بهزیستی شهرستان ری' --out letter.pdf --sign",
}
