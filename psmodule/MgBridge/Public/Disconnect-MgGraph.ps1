function Disconnect-MgGraph {
    <#
    .SYNOPSIS
    Signs out: closes the process's Graph connection and writes its context.
    .DESCRIPTION
    The mgbridge drop-in for the SDK's Disconnect-MgGraph. When nothing is connected it writes the
    SDK's non-terminating error "No application to sign out from.".
    .EXAMPLE
    Disconnect-MgGraph | Out-Null

    Signs out without showing the closed connection.
    .LINK
    Connect-MgGraph
    #>
    [CmdletBinding()]
    [OutputType('Microsoft.Graph.PowerShell.Authentication.AuthContext')]
    param()

    $namespace = 'Microsoft.Graph.PowerShell.Authentication.Cmdlets'
    if (-not (InvokeBridgeCommand -Cmdlet $PSCmdlet -Operation 'context' -Namespace $namespace)) {
        $PSCmdlet.WriteError((NewBridgeErrorRecord -Exception ([System.ArgumentException]::new('No application to sign out from.')) `
                    -Category CloseError -CommandName $MyInvocation.MyCommand.Name -Namespace $namespace))
        return
    }
    $context = InvokeBridgeCommand -Cmdlet $PSCmdlet -Operation 'disconnect' -Namespace $namespace
    $context.psobject.TypeNames.Insert(0, 'Microsoft.Graph.PowerShell.Authentication.AuthContext')
    $context
}
