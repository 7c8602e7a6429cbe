function Get-MgBridgeRuntime {
    <#
    .SYNOPSIS
    Shows how this PowerShell process runs the mgbridge Python core.
    .DESCRIPTION
    Starts the core if needed and reports the transport (InProcess: CPython hosted in this pwsh
    process through pythonnet; Process: a persistent child process), the Python interpreter and
    its process id, and the versions in use. Use it to check an installation.
    The transport is chosen once per process, at the first mgbridge command: set
    $env:MGBRIDGE_TRANSPORT to 'process' or 'inprocess' before it to force one.
    .EXAMPLE
    Get-MgBridgeRuntime

    Transport BridgeVersion PythonVersion ProcessId Executable
    --------- ------------- ------------- --------- ----------
    InProcess 0.1.0         3.11.7            4242 /home/me/.venv/bin/python
    .EXAMPLE
    $env:MGBRIDGE_TRANSPORT = 'process'
    (Get-MgBridgeRuntime).Transport

    In a new session: runs the core in one child process instead (prints Process).
    .LINK
    https://learn.microsoft.com/graph/api/participant-invite
    #>
    [CmdletBinding()]
    [OutputType('MgBridge.Runtime')]
    param()

    $transport = SelectBridgeTransport
    $reply = InvokeBridge -Operation 'hosting_info'
    if (-not $reply.ok) {
        $PSCmdlet.ThrowTerminatingError([System.Management.Automation.ErrorRecord]::new(
            [System.InvalidOperationException]::new($reply.error.message), 'MgBridge.HostingFailed',
            [System.Management.Automation.ErrorCategory]::NotInstalled, $null))
    }
    $info = FindBridgePython
    [pscustomobject]@{
        PSTypeName        = 'MgBridge.Runtime'
        Transport         = if ($transport -eq 'process') { 'Process' } else { 'InProcess' }
        BridgeVersion     = $reply.result.bridge_version
        PythonVersion     = $reply.result.python_version
        ProcessId         = $reply.result.pid
        Executable        = $reply.result.executable
        LibPython         = $info.libpython
        PythonnetVersion  = $info.pythonnet_version
    }
}
