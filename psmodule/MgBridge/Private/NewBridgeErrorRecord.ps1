function NewBridgeErrorRecord {
    <#
    .SYNOPSIS
    Builds an ErrorRecord shaped like the Graph SDK's, from an error reply of the core or from
    an exception raised in PowerShell.
    .DESCRIPTION
    The SDK's errors come from internal binary cmdlets such as
    Invoke-MgBetaInviteCommunicationCallParticipant_InviteExpanded, so scripts see
    FullyQualifiedErrorId "<code>,Microsoft.Graph.Beta.PowerShell.Cmdlets.InvokeMgBeta..._InviteExpanded"
    and that name in the error view. A script function's records would end in ",<function name>"
    instead, so the record gets an InvocationInfo naming a stand-in cmdlet type of the SDK's name
    (an empty type made once with Reflection.Emit) and is marked to keep it when written; that
    needs two internal members of ErrorRecord (tested by MgBridge.Errors.Tests.ps1). The script
    position of the caller is kept.

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

        # The invocation of the public function, for the script position.
        [System.Management.Automation.InvocationInfo] $Invocation,

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

    if (-not $CommandName) { return $record }
    $sdkCommand = GetSdkCommandInfo -CommandName $CommandName -Namespace $Namespace
    $flags = [System.Reflection.BindingFlags]'NonPublic, Instance'
    $scriptPosition = [System.Management.Automation.InvocationInfo].GetProperty('ScriptPosition', $flags)
    $setInvocation = [System.Management.Automation.ErrorRecord].GetMethod('SetInvocationInfo', $flags)
    $preserve = [System.Management.Automation.ErrorRecord].GetProperty('PreserveInvocationInfoOnce', $flags)
    if ($scriptPosition -and $setInvocation -and $preserve) {
        $invocationInfo = [System.Management.Automation.InvocationInfo]::Create($sdkCommand, $scriptPosition.GetValue($Invocation))
        $null = $setInvocation.Invoke($record, @($invocationInfo))
        $preserve.SetValue($record, $true)
    }
    $record
}
