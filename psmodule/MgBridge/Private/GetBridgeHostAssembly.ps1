function GetBridgeHostAssembly {
    <#
    .SYNOPSIS
    The in-process host assembly for this pwsh and this pythonnet, compiled at first use.
    .DESCRIPTION
    host/PythonHost.cs is compiled with the C# compiler that PowerShell itself carries (Add-Type),
    against the Python.Runtime.dll of the found Python's pythonnet and this pwsh's own reference
    assemblies, so no .NET SDK is needed. The result is cached per PowerShell version, pythonnet
    version and source in the user's cache folder; later processes only load it.
    #>
    [OutputType([string])]
    param(
        # The report of FindBridgePython.
        [Parameter(Mandatory)]
        [pscustomobject] $HostInfo
    )

    $source = [System.IO.File]::ReadAllBytes([System.IO.Path]::Combine([System.IO.Path]::GetDirectoryName($PSScriptRoot), 'host', 'PythonHost.cs'))
    $digest = [Convert]::ToHexString([System.Security.Cryptography.SHA256]::HashData($source)).Substring(0, 12).ToLowerInvariant()
    $folder = [System.IO.Path]::Combine((GetBridgeUserFolder -Kind Cache), 'host', "pwsh-$($PSVersionTable.PSVersion)-pythonnet-$($HostInfo.pythonnet_version)-$digest")
    $assembly = [System.IO.Path]::Combine($folder, 'MgBridge.Host.dll')
    if ([System.IO.File]::Exists($assembly)) { return $assembly }

    $references = [System.IO.Directory]::GetFiles((Join-Path $PSHOME 'ref'), '*.dll')
    if (-not $references) {
        throw [System.InvalidOperationException]::new(
            "this PowerShell has no reference assemblies in $(Join-Path $PSHOME 'ref') to compile the in-process host with: install PowerShell from its official package")
    }
    Write-Verbose "Compiling the in-process host for PowerShell $($PSVersionTable.PSVersion) and pythonnet $($HostInfo.pythonnet_version) into $folder (once)."
    $null = [System.IO.Directory]::CreateDirectory($folder)
    # Compiled under a name of its own and then moved, so that another pwsh compiling at the same
    # time, or a failed compile (which leaves an empty file), never leaves a broken host behind.
    $partial = Join-Path $folder "MgBridge.Host.$PID.$([guid]::NewGuid().ToString('n')).partial"
    try {
        Add-Type -TypeDefinition ([System.Text.Encoding]::UTF8.GetString($source)) -OutputAssembly $partial -OutputType Library `
            -ReferencedAssemblies (@($HostInfo.pythonnet_runtime, [psobject].Assembly.Location) + $references) `
            -CompilerOptions '-optimize+' -ErrorAction Stop -WarningAction Ignore -Verbose:$false
        try { [System.IO.File]::Move($partial, $assembly) } catch [System.IO.IOException] { }
    } catch {
        throw [System.InvalidOperationException]::new("compiling the in-process host failed: $($_.Exception.Message)", $_.Exception)
    } finally {
        [System.IO.File]::Delete($partial)
    }
    $assembly
}
