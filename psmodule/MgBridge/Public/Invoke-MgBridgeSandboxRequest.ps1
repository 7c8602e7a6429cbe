function Invoke-MgBridgeSandboxRequest {
    <#
    .SYNOPSIS
    Calls the local sandbox's admin API: create calls, read the requests it recorded, inject faults, reset.
    .DESCRIPTION
    Sends one request to the admin API (under /_sandbox/) of the sandbox started by
    Start-MgBridgeSandbox, trusting the sandbox's own CA, and returns the JSON answer as objects.
    The API needs no token and answers loopback clients only. Its endpoints: POST calls,
    GET calls, GET calls/{id}, GET requests, GET stats, POST and GET faults, POST reset,
    GET and POST settings, POST tokens, POST apps.
    .EXAMPLE
    $call = Invoke-MgBridgeSandboxRequest -Method Post -Path calls -Body @{ kind = 'group' }
    Invoke-MgBetaInviteCommunicationCallParticipant -CallId $call.id -BodyParameter $params

    Creates a group call to invite into.
    .EXAMPLE
    (Invoke-MgBridgeSandboxRequest -Path requests).value | Where-Object kind -EQ 'invite' | ForEach-Object body

    Shows the JSON bodies of the invitations the sandbox received: what went on the wire.
    .EXAMPLE
    Invoke-MgBridgeSandboxRequest -Method Post -Path faults -Body @{ match = 'invite'; status = 503; retryAfter = 1 }

    Makes the next invitation fail once with 503 and Retry-After, to watch the retry (-Verbose).
    .LINK
    Start-MgBridgeSandbox
    #>
    [CmdletBinding(SupportsShouldProcess, ConfirmImpact = 'Low')]
    [OutputType([pscustomobject])]
    param(
        # The HTTP method.
        [ValidateSet('Get', 'Post', 'Patch')]
        [string] $Method = 'Get',

        # The admin endpoint, relative to /_sandbox/: calls, requests, faults, reset...
        [Parameter(Mandatory)]
        [string] $Path,

        # The JSON body: a hashtable, PSCustomObject or array (converted as the invite bodies are).
        [object] $Body,

        # The sandbox's state file, if Start-MgBridgeSandbox was given one.
        [string] $StateFile
    )

    if ($Method -ne 'Get' -and -not $PSCmdlet.ShouldProcess("/_sandbox/$Path", $Method.ToUpperInvariant())) { return }
    $arguments = [ordered]@{ method = $Method.ToUpperInvariant(); path = '/_sandbox/' + $Path.TrimStart('/') }
    if ($PSBoundParameters.ContainsKey('Body')) {
        $refusal = $null
        $arguments['body'] = ConvertToBridgeValue -InputObject $Body -Path 'Body' -Refusal ([ref]$refusal)
        if ($refusal) {
            $PSCmdlet.ThrowTerminatingError((NewBridgeErrorRecord -Exception ([System.ArgumentException]::new($refusal)) `
                        -ErrorId 'BodyError' -Category InvalidArgument))
        }
    }
    if ($StateFile) { $arguments['state_file'] = $PSCmdlet.GetUnresolvedProviderPathFromPSPath($StateFile) }
    InvokeBridgeCommand -Cmdlet $PSCmdlet -Operation 'sandbox_request' -Arguments $arguments
}
