function InvokeParticipantInvite {
    <#
    .SYNOPSIS
    The body of Invoke-MgBetaInviteCommunicationCallParticipant and
    Invoke-MgInviteCommunicationCallParticipant: the calls family's generic command body, sent
    through the core's invite operation.
    #>
    [CmdletBinding()]
    [OutputType([pscustomobject])]
    param(
        # The public cmdlet's $PSCmdlet.
        [Parameter(Mandatory)]
        [System.Management.Automation.PSCmdlet] $Cmdlet,

        # beta or v1.0.
        [Parameter(Mandatory)]
        [ValidateSet('beta', 'v1.0')]
        [string] $ApiVersion,

        # The public cmdlet's $PSBoundParameters.
        [Parameter(Mandatory)]
        [System.Collections.Generic.Dictionary[string, object]] $BoundParameters
    )

    InvokeCallsCommand -Cmdlet $Cmdlet -ApiVersion $ApiVersion -BoundParameters $BoundParameters -Ids 'CallId' `
        -Request 'POST /communications/calls/{call-id}/participants/microsoft.graph.invite' -Invite
}
