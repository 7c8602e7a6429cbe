function Invoke-MgBridgeInviteBatch {
    <#
    .SYNOPSIS
    Invites participants for every item of a pipeline, several invitations in flight at once.
    .DESCRIPTION
    Sends one invitation (POST /communications/calls/{call-id}/participants/invite, Graph beta) per
    input item, at most -ThrottleLimit at a time, and writes one object per item, in input order:
    the inviteParticipantsOperation that Invoke-MgBetaInviteCommunicationCallParticipant would
    have returned, with the same type and view. Results are written while input still arrives.

    Each item holds a CallId and a BodyParameter (keys of a hashtable, or properties of an object),
    or, with -CallId given once, the pipeline holds the bodies. A body is what
    Invoke-MgBetaInviteCommunicationCallParticipant takes as -BodyParameter (a hashtable, [ordered]
    table, PSCustomObject or JSON text, keys in any casing), converted and shaped the same way.

    An item that fails (a body that cannot be sent, an error answer from Graph) writes a
    non-terminating error whose TargetObject is that item; the other items go on. A 429 from Graph
    pauses the whole batch for its Retry-After (shown in the progress bar) and the throttled
    invitation is sent again later: every item ends exactly once, and an invitation that may have
    reached Graph is never sent twice. Stopping the pipeline (Ctrl+C, Select-Object -First, a
    terminating error) lets the invitations in flight finish and starts no other.

    Needs Connect-MgGraph first; without it the command stops at once, with the error the SDK's
    commands give. With -WhatIf nothing is sent (no connection needed): each item is reported as
    it would be invited. This is an mgbridge command; the Microsoft Graph PowerShell
    SDK has no equivalent.
    .EXAMPLE
    Import-Csv invites.csv | ForEach-Object {
        @{
            CallId        = $_.CallId
            BodyParameter = @{
                Participants  = @(@{ Identity = @{ User = @{ Id = $_.UserId; IdentityProvider = 'AAD' } } })
                ClientContext = $_.ClientContext
            }
        }
    } | Invoke-MgBridgeInviteBatch -ThrottleLimit 32

    Invites the user of each CSV row into that row's call, 32 invitations at a time.
    .EXAMPLE
    $bodies = foreach ($userId in $userIds) {
        @{ Participants = @(@{ Identity = @{ User = @{ Id = $userId } } }); ClientContext = "invite-$userId" }
    }
    $operations = $bodies | Invoke-MgBridgeInviteBatch -CallId $callId
    $operations | Format-Table Id, ClientContext, Status

    Invites many users into one call.
    .EXAMPLE
    $operations = $items | Invoke-MgBridgeInviteBatch -ErrorVariable failed -ErrorAction SilentlyContinue
    $failed | ForEach-Object { "$($_.TargetObject.CallId): $($_.Exception.Message)" }

    Keeps going past failed items, then lists them: each error's TargetObject is its input item.
    .EXAMPLE
    $items | Invoke-MgBridgeInviteBatch -WhatIf

    Sends nothing; reports each invitation that would be sent.
    .INPUTS
    System.Object
    .OUTPUTS
    Microsoft.Graph.Beta.PowerShell.Models.IMicrosoftGraphInviteParticipantsOperation
    .LINK
    Invoke-MgBetaInviteCommunicationCallParticipant
    .LINK
    https://learn.microsoft.com/graph/api/participant-invite?view=graph-rest-beta
    #>
    # Items come as one InputObject, read here, rather than as CallId and BodyParameter bound by
    # property name: PowerShell binds the properties of objects by name, never hashtable keys.
    [CmdletBinding(DefaultParameterSetName = 'Item', PositionalBinding = $false,
        SupportsShouldProcess, ConfirmImpact = 'Medium')]
    [OutputType('Microsoft.Graph.Beta.PowerShell.Models.MicrosoftGraphInviteParticipantsOperation')]
    param(
        # One invitation per item: a hashtable or object with CallId (the call's id) and
        # BodyParameter (the request body, as -BodyParameter). Takes pipeline input; an array
        # invites once per item.
        [Parameter(Mandatory, ParameterSetName = 'Item', ValueFromPipeline)]
        [object[]] $InputObject,

        # The unique identifier of the call, for every body of -BodyParameter.
        [Parameter(Mandatory, ParameterSetName = 'Body')]
        [string] $CallId,

        # The request bodies, one invitation each, with -CallId: Participants
        # (invitationParticipantInfo items) and ClientContext, plus any other property, as
        # Invoke-MgBetaInviteCommunicationCallParticipant's -BodyParameter. Takes pipeline input.
        [Parameter(Mandatory, ParameterSetName = 'Body', ValueFromPipeline)]
        [object[]] $BodyParameter,

        # How many invitations are in flight at once, 1 to 256 (default 8). Graph's throttling
        # applies on top: a 429 pauses all of them.
        [ValidateRange(1, 256)]
        [int] $ThrottleLimit = 8,

        # Optional headers that will be added to every request.
        [System.Collections.IDictionary] $Headers
    )

    begin {
        $activity = 'Inviting participants'
        $model = 'Microsoft.Graph.Beta.PowerShell.Models.MicrosoftGraphInviteParticipantsOperation'

        # A failure of the core itself (not of an item) ends the command.
        function InvokeBatchOperation([string] $Operation, [System.Collections.IDictionary] $Arguments) {
            try {
                $reply = InvokeBridge $Operation $Arguments -AsHashtable:$views
            } catch [System.Management.Automation.PipelineStoppedException], [System.Management.Automation.ActionPreferenceStopException] {
                throw
            } catch {
                $PSCmdlet.ThrowTerminatingError((NewBridgeErrorRecord -Exception $_.Exception -ErrorId 'MgBridge.CoreUnavailable' -Category NotInstalled))
            }
            if (-not $reply.ok) {
                $bridgeError = if ($views) { [MgBridge.Host.Views]::ToObjects($reply.error) } else { $reply.error }
                $PSCmdlet.ThrowTerminatingError((NewBridgeErrorRecord -BridgeError $bridgeError))
            }
            $reply.result
        }

        # Writes the results the core has (waiting up to $WaitMs for one), and the progress.
        function ReceiveResults([int] $WaitMs, [switch] $Close) {
            $arguments = @{ batch = $batch; wait_ms = $WaitMs }
            if ($Close) { $arguments['close'] = $true }
            $reply = InvokeBatchOperation 'invite_batch_take' $arguments
            foreach ($result in $reply.results) {
                $index = [int]$result.index
                $item = $targets[$index]
                $null = $targets.Remove($index)
                if ($result.ok) {
                    if ($views) { [MgBridge.Host.Views]::Present($result.view, $model) } else { ConvertFromBridgeView -View $result.view -TypeName $model }
                } else {
                    $bridgeError = if ($views) { [MgBridge.Host.Views]::ToObjects($result.error) } else { $result.error }
                    $PSCmdlet.WriteError((NewBridgeErrorRecord -BridgeError $bridgeError -TargetObject $item))
                }
            }
            $state.Done = $reply.done
            # Progress costs more than a take: shown at most 5 times a second.
            if ($progressClock.ElapsedMilliseconds -ge 200 -or $reply.done) {
                $status = "$($reply.completed) of $($reply.added) done"
                if ($reply.paused_s -gt 0) { $status += "; paused by Graph for $([math]::Ceiling($reply.paused_s)) s" }
                $progress = @{ Activity = $activity; Status = $status }
                if ($state.Closed) { $progress['PercentComplete'] = [int](100 * $reply.completed / [math]::Max(1, $reply.added)) }
                Write-Progress @progress
                $progressClock.Restart()
            }
        }

        function SendPending {
            if ($pending.Count) {
                $null = InvokeBatchOperation 'invite_batch_add' @{ batch = $batch; items = $pending.ToArray() }
                $pending.Clear()
            }
            $state.Sent = [System.Environment]::TickCount64
        }

        $requestHeaders = $null
        if ($Headers) {
            # Sent as text, as the SDK's ToString() does.
            $requestHeaders = [ordered]@{}
            foreach ($entry in $Headers.GetEnumerator()) {
                if ($null -ne $entry.Value) { $requestHeaders[[string]$entry.Key] = [string]$entry.Value }
            }
        }
        # What the helper functions above change (they run in scopes of their own).
        # Sent: when items last went to the core (none yet: the first item goes at once).
        $state = @{ Done = $false; Closed = $false; Sent = 0L }
        $pending = [System.Collections.Generic.List[object]]::new()
        # The input item of each invitation, by its index in the batch, until its result is written.
        $targets = [System.Collections.Generic.Dictionary[int, object]]::new()
        $number = 0
        $sent = 0
        $progressClock = [System.Diagnostics.Stopwatch]::StartNew()
        $batch = $null
        $views = [bool]('MgBridge.Host.Views' -as [type])
        # -WhatIf sends nothing, so it needs neither a connection nor a batch.
        if (-not $WhatIfPreference) {
            $batch = (InvokeBatchOperation 'invite_batch_start' @{ concurrency = $ThrottleLimit }).batch
            # The first call may have loaded the in-process host, whose compiled conversions are faster.
            $views = [bool]('MgBridge.Host.Views' -as [type])
        }
        $compiled = [bool]('MgBridge.Host.Values' -as [type])
    }

    process {
        $byBody = $PSCmdlet.ParameterSetName -eq 'Body'
        foreach ($item in $(if ($byBody) { $BodyParameter } else { $InputObject })) {
            $number++
            if ($byBody) {
                $call = $CallId
                $body = $item
            } else {
                $call = [string]$item.CallId
                $body = $item.BodyParameter
            }
            $refusal = $null
            if (-not $call) {
                $refusal = "Item ${number}: no CallId; each item needs a CallId and a BodyParameter."
            } elseif ($null -eq $body) {
                $refusal = "Item ${number}: no BodyParameter; each item needs a CallId and a BodyParameter."
            } elseif ($compiled) {
                $data = [MgBridge.Host.Values]::ToData($body, 'BodyParameter', [ref]$refusal)
            } else {
                $data = ConvertToBridgeValue $body 'BodyParameter' ([ref]$refusal)
            }
            if ($refusal) {
                $PSCmdlet.WriteError((NewBridgeErrorRecord -Exception ([System.ArgumentException]::new($refusal)) -ErrorId 'BodyError' `
                            -Category InvalidArgument -TargetObject $item))
                continue
            }
            if (-not $PSCmdlet.ShouldProcess($call, "Invite participants (item $number)")) { continue }
            $invitation = @{ call_id = $call; body = $data; api_version = 'beta' }
            if ($requestHeaders) { $invitation['headers'] = $requestHeaders }
            $targets[$sent++] = $item
            $pending.Add($invitation)
        }
        # Items go to the core in groups of up to 32 gathered within 50 ms (each round trip
        # waits for the Python lock, shared with the invitations in flight), and each time the
        # results ready come back. An item arriving after a quiet spell goes at once.
        if ($pending.Count -and ($pending.Count -ge 32 -or [System.Environment]::TickCount64 - $state.Sent -ge 50)) {
            SendPending
            ReceiveResults 0
        }
    }

    end {
        if (-not $batch) { return }
        SendPending
        $state.Closed = $true
        # Short waits, so that Ctrl+C stops the command promptly.
        ReceiveResults 100 -Close
        while (-not $state.Done) { ReceiveResults 100 }
        Write-Progress -Activity $activity -Completed
    }

    clean {
        # Runs also when the pipeline was stopped or failed: the core must start no other
        # invitation of this batch. Nothing can be reported any more, so a failure is only traced.
        if ($batch -and -not $state.Done) {
            try {
                $null = InvokeBridge 'invite_batch_stop' @{ batch = $batch }
            } catch {
                Write-Debug -Message "invite_batch_stop: $($_.Exception.Message)"
            }
            Write-Progress -Activity $activity -Completed
        }
    }
}
