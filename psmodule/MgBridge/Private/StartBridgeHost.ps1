function StartBridgeHost {
    <#
    .SYNOPSIS
    Starts Python inside this pwsh process through pythonnet, once per process.
    .DESCRIPTION
    Loads the Python.Runtime.dll of the pythonnet installed beside mgbridge, then the module's
    host assembly (compiled against that runtime at first use, see GetBridgeHostAssembly), and
    starts CPython with the interpreter's libpython and venv. Throws one error naming everything
    that is missing.
    #>
    [CmdletBinding()]
    [OutputType([void])]
    param(
        # The report of FindBridgePython.
        [Parameter(Mandatory)]
        [pscustomobject] $HostInfo
    )

    if ('MgBridge.Host.PythonHost' -as [type] -and [MgBridge.Host.PythonHost]::IsStarted) { return }

    $missing = @(
        if ($PSVersionTable.PSVersion -lt [version]'7.4') {
            "PowerShell 7.4 or newer (this is $($PSVersionTable.PSVersion)): install it from https://aka.ms/powershell"
        }
        if (-not $HostInfo.libpython) {
            "a shared libpython for $($HostInfo.executable): use a Python built with --enable-shared, or on Debian/Ubuntu install the libpython$($HostInfo.python_version -replace '^(\d+\.\d+).*', '$1') package"
        }
        if (-not $HostInfo.pythonnet_runtime) {
            "pythonnet in $($HostInfo.executable): run '$($HostInfo.executable) -m pip install pythonnet>=3.1'"
        }
    )
    if ($missing) {
        throw [System.InvalidOperationException]::new(
            'mgbridge cannot host Python in this process. Missing: ' + ($missing -join '; ') + '.')
    }

    $hostAssembly = try { GetBridgeHostAssembly -HostInfo $HostInfo } catch {
        throw [System.InvalidOperationException]::new("mgbridge cannot host Python in this process: $($_.Exception.Message).", $_.Exception)
    }
    Add-Type -LiteralPath $HostInfo.pythonnet_runtime
    Add-Type -LiteralPath $hostAssembly
    # The interpreter path, not PythonHome, selects the venv: CPython finds its pyvenv.cfg.
    [MgBridge.Host.PythonHost]::Start($HostInfo.libpython, $HostInfo.executable, 'bridge._entry')
}
