function InvokeBridgeCommand {
    <#
    .SYNOPSIS
    Runs one core operation for a public cmdlet other than the Graph calls (sign-in,
    environments, sandbox) and returns its result; a failure is a terminating error.
    .DESCRIPTION
    The record is attributed to the SDK's cmdlet class when -Namespace is given
    (Microsoft.Graph.PowerShell.Authentication.Cmdlets for Connect-MgGraph), as the SDK's are.
    #>
    [CmdletBinding()]
    [OutputType([object])]
    param(
        # The public cmdlet's $PSCmdlet.
        [Parameter(Mandatory)]
        [System.Management.Automation.PSCmdlet] $Cmdlet,

        # The core operation, as listed in bridge/_entry.py.
        [Parameter(Mandatory)]
        [string] $Operation,

        # Its arguments.
        [System.Collections.IDictionary] $Arguments = [ordered]@{},

        # The namespace of the SDK's cmdlet classes, for SDK commands.
        [string] $Namespace
    )

    $commandName = if ($Namespace) { $Cmdlet.MyInvocation.MyCommand.Name }
    try {
        $reply = InvokeBridge $Operation $Arguments -Log
    } catch [System.Management.Automation.PipelineStoppedException], [System.Management.Automation.ActionPreferenceStopException] {
        throw
    } catch {
        $Cmdlet.ThrowTerminatingError((NewBridgeErrorRecord -Exception $_.Exception -ErrorId 'MgBridge.CoreUnavailable' `
                    -Category NotInstalled -CommandName $commandName -Namespace $Namespace))
    }
    if (-not $reply.ok) {
        $Cmdlet.ThrowTerminatingError((NewBridgeErrorRecord -BridgeError $reply.error -CommandName $commandName `
                    -Namespace $Namespace))
    }
    # A null result (nothing connected, an empty answer) writes nothing, not $null.
    if ($null -ne $reply.result) { $reply.result }
}
