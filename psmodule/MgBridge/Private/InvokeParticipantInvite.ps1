function InvokeParticipantInvite {
    <#
    .SYNOPSIS
    The body of Invoke-MgBetaInviteCommunicationCallParticipant and
    Invoke-MgInviteCommunicationCallParticipant: the calls family's generic command body, sent
    through the core's invite operation. A plain function (no advanced-function binding): it
    runs on every invite, with what the public cmdlet has already bound.
    #>
    [OutputType([pscustomobject])]
    param(
        # The public cmdlet's $PSCmdlet.
        [System.Management.Automation.PSCmdlet] $Cmdlet,

        # beta or v1.0.
        [string] $ApiVersion,

        # The public cmdlet's $PSBoundParameters.
        [System.Collections.Generic.Dictionary[string, object]] $BoundParameters
    )

    InvokeCallsCommand -Cmdlet $Cmdlet -ApiVersion $ApiVersion -BoundParameters $BoundParameters -Ids 'CallId' `
        -Request 'POST /communications/calls/{call-id}/participants/microsoft.graph.invite' -Invite
}
