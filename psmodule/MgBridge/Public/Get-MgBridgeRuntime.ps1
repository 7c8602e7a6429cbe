function Get-MgBridgeRuntime {
    <#
    .SYNOPSIS
    Shows how this PowerShell process runs the mgbridge Python core, and checks the installation.
    .DESCRIPTION
    Starts the core if needed and reports the transport and why it was chosen (InProcess: CPython
    hosted in this pwsh process through pythonnet; Process: a persistent child process), the
    Python interpreter, how it was found and its process id, the compiled in-process host, and
    the versions in use. With -Check, one line per thing that decides how the bridge runs
    (Python, pythonnet, libpython, PowerShell, the in-process host, the transport, the sandbox,
    the cloud settings) instead, each problem with its fix: what `mgbridge doctor` prints.
    The transport is chosen once per process, at the first mgbridge command: set
    $env:MGBRIDGE_TRANSPORT to 'process' or 'inprocess' before it to force one.
    .EXAMPLE
    Get-MgBridgeRuntime

    Transport BridgeVersion PythonVersion ProcessId Executable
    --------- ------------- ------------- --------- ----------
    InProcess 0.1.0         3.11.7            4242 /home/me/.venv/bin/python
    .EXAMPLE
    Get-MgBridgeRuntime -Check | Where-Object Status -ne 'ok'

    The problems and warnings of this installation, each with its fix.
    .EXAMPLE
    $env:MGBRIDGE_TRANSPORT = 'process'
    (Get-MgBridgeRuntime).Transport

    In a new session: runs the core in one child process instead (prints Process).
    .LINK
    https://learn.microsoft.com/graph/api/participant-invite
    #>
    [CmdletBinding(DefaultParameterSetName = 'Runtime')]
    [OutputType('MgBridge.Runtime', ParameterSetName = 'Runtime')]
    [OutputType('MgBridge.Check', ParameterSetName = 'Check')]
    param(
        # Check the installation instead: one MgBridge.Check (Status, Name, Detail, Fix) per item.
        [Parameter(Mandatory, ParameterSetName = 'Check')]
        [switch] $Check,

        # Only the PowerShell side's facts, as `mgbridge doctor` reads them.
        [Parameter(Mandatory, ParameterSetName = 'Facts')]
        [switch] $Facts
    )

    $transport = SelectBridgeTransport
    $info = FindBridgePython
    $setting = [Environment]::GetEnvironmentVariable('MGBRIDGE_TRANSPORT')
    $powershell = [ordered]@{
        version          = "$($PSVersionTable.PSVersion)"
        edition          = $PSVersionTable.PSEdition
        module_path      = $ExecutionContext.SessionState.Module.Path
        transport        = $transport
        transport_reason = [AppDomain]::CurrentDomain.GetData("MgBridge.TransportReason=$setting")
        host_assembly    = if ('MgBridge.Host.PythonHost' -as [type]) { [MgBridge.Host.PythonHost].Assembly.Location }
        host_problem     = [AppDomain]::CurrentDomain.GetData('MgBridge.HostProblem')
        python_source    = $info.python_source
    }
    if ($Facts -or $Check) {
        # The modules an unchanged script's Import-Module would load: mgbridge's drop-ins, the
        # SDK's own, or none (listing PSModulePath takes a while: only for checks).
        $powershell['drop_ins'] = @(foreach ($name in 'Microsoft.Graph.Authentication', 'Microsoft.Graph.Beta.CloudCommunications', 'Microsoft.Graph.CloudCommunications') {
                $found = Get-Module -ListAvailable -Name $name | Select-Object -First 1
                [ordered]@{ name = $name; version = "$($found.Version)"; path = $found.Path; mgbridge = [bool]($found -and $found.Tags -contains 'mgbridge') }
            })
    }
    if ($Facts) { return [pscustomobject]$powershell }

    $reply = if ($Check) { InvokeBridge -Operation 'doctor' -Arguments @{ powershell = $powershell } } else { InvokeBridge -Operation 'hosting_info' }
    if (-not $reply.ok) {
        $PSCmdlet.ThrowTerminatingError([System.Management.Automation.ErrorRecord]::new(
            [System.InvalidOperationException]::new($reply.error.message), 'MgBridge.HostingFailed',
            [System.Management.Automation.ErrorCategory]::NotInstalled, $null))
    }
    if ($Check) {
        foreach ($item in $reply.result.checks) {
            [pscustomobject]@{ PSTypeName = 'MgBridge.Check'; Status = $item.status; Name = $item.name; Detail = $item.detail; Fix = $item.fix }
        }
        return
    }
    [pscustomobject]@{
        PSTypeName        = 'MgBridge.Runtime'
        Transport         = if ($transport -eq 'process') { 'Process' } else { 'InProcess' }
        TransportReason   = $powershell.transport_reason
        BridgeVersion     = $reply.result.bridge_version
        PythonVersion     = $reply.result.python_version
        ProcessId         = $reply.result.pid
        Executable        = $reply.result.executable
        PythonSource      = $info.python_source
        LibPython         = $info.libpython
        PythonnetVersion  = $info.pythonnet_version
        PowerShellVersion = $powershell.version
        HostAssembly      = $powershell.host_assembly
    }
}
