function Install-MgBridgePython {
    <#
    .SYNOPSIS
    Installs mgbridge's Python core into a venv of its own, where the module finds it.
    .DESCRIPTION
    Creates a virtual environment in the user's data folder (%LOCALAPPDATA%\mgbridge\python on
    Windows, ~/Library/Application Support/mgbridge/python on macOS, ~/.local/share/mgbridge/python
    elsewhere) with a Python 3.11 or newer found on this machine, and installs mgbridge and its
    dependencies into it with pip (from PyPI, or from a folder of wheels with -Source). Every new
    pwsh then finds it without any setting. Nothing outside that folder changes.
    .EXAMPLE
    Install-MgBridgePython

    Installs mgbridge from PyPI with the first Python 3.11+ found (py -3, python3, python, ...).
    .EXAMPLE
    Install-MgBridgePython -Python /usr/bin/python3.12 -Source ./wheels -Package ./wheels/mgbridge-0.1.0-py3-none-any.whl

    Offline: everything from a folder of wheels.
    .LINK
    Get-MgBridgeRuntime
    #>
    [CmdletBinding(SupportsShouldProcess, ConfirmImpact = 'Medium')]
    [OutputType([pscustomobject])]
    param(
        # The Python to create the venv with; by default the first Python 3.11+ found.
        [string] $Python,

        # What pip installs: 'mgbridge' (the default), a version ('mgbridge==0.1.0') or a wheel file.
        [string[]] $Package = 'mgbridge',

        # Folders of wheels to install from instead of the package index (pip --no-index --find-links).
        [string[]] $Source,

        # Replace an existing venv.
        [switch] $Force
    )

    $venv = Join-Path (GetBridgeUserFolder -Kind Data) 'python'
    if (-not $Python) {
        $Python = foreach ($candidate in GetBridgePythonCandidates) {
            if (-not [System.IO.File]::Exists($candidate.Path) -or $candidate.Path.StartsWith($venv)) { continue }
            & $candidate.Path @($candidate.Arguments) -c 'import sys; print(sys.executable) if sys.version_info >= (3, 11) else sys.exit(1)' 2>$null |
                Select-Object -Last 1
            if ($LASTEXITCODE -eq 0) { break }
        }
        if (-not $Python) {
            $PSCmdlet.ThrowTerminatingError([System.Management.Automation.ErrorRecord]::new(
                [System.IO.FileNotFoundException]::new('No Python 3.11 or newer was found: install one (https://www.python.org/downloads/), or name it with -Python.'),
                'MgBridge.PythonNotFound', [System.Management.Automation.ErrorCategory]::NotInstalled, $null))
        }
    }
    $Python = $PSCmdlet.GetUnresolvedProviderPathFromPSPath($Python)
    $pip = @('install', '--disable-pip-version-check', '--quiet')
    if ($Source) { $pip += @('--no-index') + @(foreach ($folder in $Source) { '--find-links', $PSCmdlet.GetUnresolvedProviderPathFromPSPath($folder) }) }
    $pip += foreach ($requirement in $Package) {
        # A wheel or folder given by path is resolved against PowerShell's current location.
        if (Test-Path -LiteralPath $requirement) { $PSCmdlet.GetUnresolvedProviderPathFromPSPath($requirement) } else { $requirement }
    }
    if (-not $PSCmdlet.ShouldProcess($venv, "Create a venv with $Python and pip $($pip -join ' ')")) { return }

    $step = {
        param([string] $What, [string] $Executable, [string[]] $Arguments)
        $output = & $Executable @Arguments 2>&1
        if ($LASTEXITCODE -ne 0) {
            $PSCmdlet.ThrowTerminatingError([System.Management.Automation.ErrorRecord]::new(
                [System.InvalidOperationException]::new("$What failed (exit code $LASTEXITCODE):`n" + (($output | Select-Object -Last 15) -join "`n")),
                'MgBridge.PythonInstallFailed', [System.Management.Automation.ErrorCategory]::InvalidResult, $venv))
        }
    }
    if ($Force -and (Test-Path -LiteralPath $venv)) { Remove-Item -LiteralPath $venv -Recurse -Force }
    Write-Verbose "Creating $venv with $Python."
    & $step "Creating the venv $venv (on Debian/Ubuntu it needs the python3-venv package)" $Python @('-m', 'venv', $venv)
    $venvPython = if ($IsWindows) { Join-Path $venv 'Scripts' 'python.exe' } else { Join-Path $venv 'bin' 'python' }
    Write-Verbose "Installing $($Package -join ', ') into it."
    & $step "pip install $($Package -join ' ')" $venvPython (@('-m', 'pip') + $pip)
    $report = & $venvPython -m bridge._hostinfo | Select-Object -Last 1 | ConvertFrom-Json
    [pscustomobject]@{
        PSTypeName       = 'MgBridge.PythonInstall'
        Path             = $venvPython
        BridgeVersion    = $report.bridge_version
        PythonVersion    = $report.python_version
        PythonnetVersion = $report.pythonnet_version
        LibPython        = $report.libpython
    }
}
