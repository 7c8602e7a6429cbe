function Get-MgBetaCommunicationCallOperation {
    <#
    .SYNOPSIS
    Gets an operation of a call, such as the one an invitation created (Microsoft Graph beta: GET /communications/calls/{call-id}/operations/{commsOperation-id}).
    .DESCRIPTION
    Reads the current state of a call's operation: Status (notStarted, running, completed or
    failed), ResultInfo (Code, Subcode, Message) once it has finished, and ClientContext.
    Operations are short-lived: Graph answers 404 once it has dropped a finished one.

    This is the mgbridge drop-in for the Microsoft Graph PowerShell SDK cmdlet of the same name
    (module Microsoft.Graph.Beta.CloudCommunications); do not load both in one session. Listing a call's
    operations (the SDK's -CallId alone) is not supported.
    .EXAMPLE
    $operation = Invoke-MgBetaInviteCommunicationCallParticipant -CallId $callId -BodyParameter $params
    Get-MgBetaCommunicationCallOperation -CallId $callId -CommsOperationId $operation.Id

    Reads again the operation an invitation returned, to see whether it completed.
    .EXAMPLE
    @{ CallId = $callId; CommsOperationId = $operationId } | Get-MgBetaCommunicationCallOperation

    Takes the ids from an identity object on the pipeline (parameter set GetViaIdentity).
    .INPUTS
    Microsoft.Graph.Beta.PowerShell.Models.ICloudCommunicationsIdentity
    .OUTPUTS
    Microsoft.Graph.Beta.PowerShell.Models.IMicrosoftGraphCommsOperation
    .LINK
    https://learn.microsoft.com/graph/api/commsoperation-get?view=graph-rest-beta
    .LINK
    Invoke-MgBetaInviteCommunicationCallParticipant
    .LINK
    Get-MgCommunicationCallOperation
    #>
    [CmdletBinding(DefaultParameterSetName = 'Get', PositionalBinding = $false)]
    [OutputType('Microsoft.Graph.Beta.PowerShell.Models.MicrosoftGraphInviteParticipantsOperation')]
    param(
        # The unique identifier of the call.
        [Parameter(Mandatory, ParameterSetName = 'Get')]
        [string] $CallId,

        # The unique identifier of the operation (the Id of the object an invitation returned).
        [Parameter(Mandatory, ParameterSetName = 'Get')]
        [string] $CommsOperationId,

        # An identity holding CallId and CommsOperationId (any key casing): a hashtable, [ordered]
        # table, PSCustomObject or JSON text. Takes pipeline input.
        [Parameter(Mandatory, ParameterSetName = 'GetViaIdentity', ValueFromPipeline)]
        [object] $InputObject,

        # Optional headers that will be added to the request.
        [System.Collections.IDictionary] $Headers,

        # The name of a global variable that receives the response headers (a case-insensitive
        # dictionary of string arrays) when the request succeeds.
        [Alias('RHV')]
        [string] $ResponseHeadersVariable
    )

    process {
        ReadCallOperation -Cmdlet $PSCmdlet -ApiVersion 'beta' -BoundParameters $PSBoundParameters
    }
}
