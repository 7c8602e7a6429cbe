function NewBridgeErrorRecord {
    <#
    .SYNOPSIS
    Builds an ErrorRecord shaped like the Graph SDK's, from an error reply of the core or from
    an exception raised in PowerShell.
    .DESCRIPTION
    The SDK's errors come from internal binary cmdlets such as
    Invoke-MgBetaInviteCommunicationCallParticipant_InviteExpanded, so scripts see
    FullyQualifiedErrorId "<code>,Microsoft.Graph.Beta.PowerShell.Cmdlets.InvokeMgBeta..._InviteExpanded"
    and that name as the CategoryInfo activity. A script function's records would end in
    ",<function name>" instead, so the record's id is fixed in the field PowerShell keeps for
    deserialized records, which WriteError, ThrowTerminatingError and -ErrorAction Stop keep.
    It is the one internal member used; NewBridgeErrorRecord.Tests.ps1 guards it.

    Core error types map as the SDK reports the same failures: GraphError -> Exception
    "[code] : message", ErrorId = Graph code, InvalidOperation, ErrorDetails with Status,
    ErrorCode, Date and the response headers; BodyError -> ArgumentException, InvalidArgument;
    AuthError -> AuthenticationException, AuthenticationError; TransportError ->
    HttpRequestException, ConnectionError; anything else (a bug in the core) -> NotSpecified,
    with the Python traceback on the debug stream.
    #>
    [CmdletBinding(DefaultParameterSetName = 'Bridge')]
    [OutputType([System.Management.Automation.ErrorRecord])]
    param(
        # The error object of a core reply ({type, message, ...}).
        [Parameter(Mandatory, ParameterSetName = 'Bridge')]
        [object] $BridgeError,

        # An exception raised on the PowerShell side.
        [Parameter(Mandatory, ParameterSetName = 'Exception')]
        [System.Exception] $Exception,

        [Parameter(ParameterSetName = 'Exception')]
        [string] $ErrorId = '',

        [Parameter(ParameterSetName = 'Exception')]
        [System.Management.Automation.ErrorCategory] $Category = 'NotSpecified',

        # The SDK command the error is attributed to: Invoke-MgBetaInviteCommunicationCallParticipant_Invite.
        # Without it (mgbridge's own commands) the record is an ordinary one.
        [string] $CommandName,

        # The namespace of the SDK's cmdlet classes: Microsoft.Graph.Beta.PowerShell.Cmdlets.
        [string] $Namespace,

        [AllowNull()]
        [object] $TargetObject
    )

    if ($PSCmdlet.ParameterSetName -eq 'Bridge') {
        $message = [string]$BridgeError.message
        $details = $null
        switch ($BridgeError.type) {
            'GraphError' {
                $code = if ($BridgeError.code) { [string]$BridgeError.code } else { [string][System.Net.HttpStatusCode][int]$BridgeError.status }
                $Exception = [System.Exception]::new("[$code] : $($BridgeError.graph_message)")
                $ErrorId = $code
                $Category = 'InvalidOperation'
                $details = FormatGraphErrorDetails -BridgeError $BridgeError -Code $code
            }
            'BodyError' {
                $Exception = [System.ArgumentException]::new($message)
                $ErrorId = 'BodyError'
                $Category = 'InvalidArgument'
            }
            'AuthError' {
                $Exception = [System.Security.Authentication.AuthenticationException]::new($message)
                $ErrorId = [string]$BridgeError.code
                $Category = 'AuthenticationError'
            }
            'TransportError' {
                $Exception = [System.Net.Http.HttpRequestException]::new($message)
                $Exception.Data['MayHaveBeenProcessed'] = [bool]$BridgeError.may_have_been_processed
                $Category = 'ConnectionError'
            }
            default {
                if ($BridgeError.traceback) { Write-Debug -Message $BridgeError.traceback }
                $Exception = [System.InvalidOperationException]::new("mgbridge core error ($($BridgeError.type)): $message")
                $ErrorId = 'MgBridge.CoreError'
                $Category = 'NotSpecified'
            }
        }
    }

    $record = [System.Management.Automation.ErrorRecord]::new($Exception, $ErrorId, $Category, $TargetObject)
    if ($details) { $record.ErrorDetails = [System.Management.Automation.ErrorDetails]::new($details) }

    if ($CommandName) {
        $type = "$Namespace.$($CommandName -replace '-', '')"
        $fullId = if ($ErrorId) { "$ErrorId,$type" } else { $type }
        $field = [System.Management.Automation.ErrorRecord].GetField('_serializedFullyQualifiedErrorId', [System.Reflection.BindingFlags]'NonPublic, Instance')
        $field.SetValue($record, $fullId)
        $record.CategoryInfo.Activity = $CommandName
    }
    $record
}
