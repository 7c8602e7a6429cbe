#!/usr/bin/env bash
# Prints the path of a PowerShell 7.4+ to use: the one on PATH when it is new enough, otherwise a
# copy installed with the .NET SDK into .tools/pwsh (git-ignored). Idempotent.
set -euo pipefail
local_pwsh=.tools/pwsh/pwsh
version_ok() { "$1" -NoProfile -NonInteractive -Command 'exit [int]($PSVersionTable.PSVersion -lt [version]"7.4")' >/dev/null 2>&1; }

if [ -x "$local_pwsh" ] && version_ok "$local_pwsh"; then echo "$PWD/$local_pwsh"; exit 0; fi
if command -v pwsh >/dev/null 2>&1 && version_ok "$(command -v pwsh)"; then command -v pwsh; exit 0; fi
if command -v dotnet >/dev/null 2>&1; then
    dotnet tool install PowerShell --version 7.6.9 --tool-path .tools/pwsh >&2
    echo "$PWD/$local_pwsh"
    exit 0
fi
echo "PowerShell 7.4 or newer is needed and neither it nor the .NET SDK was found." >&2
echo "Install PowerShell (https://learn.microsoft.com/powershell/scripting/install/installing-powershell)" >&2
echo "or the .NET SDK (then this step installs PowerShell 7.6.9 into .tools/pwsh)." >&2
exit 1
