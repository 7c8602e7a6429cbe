function Compare-MgBridgeTranscript {
    <#
    .SYNOPSIS
    Compares two transcripts of Graph requests and writes their differences; nothing when two runs sent the same requests.
    .DESCRIPTION
    A transcript is a JSON Lines file of the Graph requests a run sent: set $env:MGBRIDGE_RECORD
    to a file's full path and every mgbridge command of the session appends to it (a -WhatIf
    run as a planned request), from then until it is cleared; Python callers use
    bridge.connect(record=FILE) or the same variable, the sandbox `mgbridge sandbox --record FILE`.
    Transcripts hold no credentials.

    The comparison is the core's, as `mgbridge transcript diff` does it: requests in order,
    methods, paths, status codes, query options, the headers that matter and every body value
    (key casing and JSON types included). The ids in paths that each run got (the calls and
    operations it created) are paired with the other run's; request ids, timestamps and user
    agents are not compared, nor the namespace prefix of actions (microsoft.graph.invite =
    invite); consecutive identical reads (polling) count once.

    Writes one MgBridge.TranscriptDifference per difference, with the lines of both files, and
    nothing when the transcripts are the same, so `if (Compare-MgBridgeTranscript a b) { exit 1 }`
    gates a migration. With -Report, writes the whole report as one string instead. A file that
    cannot be read, or a line that is not a request, is a terminating error naming it.
    .EXAMPLE
    $env:MGBRIDGE_RECORD = "$HOME/after.jsonl"
    ./Invite-Everyone.ps1
    $env:MGBRIDGE_RECORD = $null
    Compare-MgBridgeTranscript -ReferencePath ~/before.jsonl -DifferencePath ~/after.jsonl

    Line OtherLine Kind       Where                                    Message
    ---- --------- ----       -----                                    -------
       4         4 value      body.participants[0].identity.phone.id   body.participants[0].identity.phone.id: "+12345678901" vs "+12345678900"

    Records a script's requests and compares them with an earlier run's (recorded the same way,
    or made from the SDK's -Debug output by `mgbridge transcript from-sdk-debug`): one body value differs.
    .EXAMPLE
    if (Compare-MgBridgeTranscript before.jsonl after.jsonl -Ignore 'body.clientContext') { exit 1 }

    A CI gate: fails when the runs sent different requests, whatever their client contexts.
    .EXAMPLE
    Compare-MgBridgeTranscript before.jsonl after.jsonl -Report Text

    The readable report that `mgbridge transcript diff` prints; -Report Json gives its JSON document.
    .LINK
    Invoke-MgBetaInviteCommunicationCallParticipant
    #>
    [CmdletBinding()]
    [OutputType('MgBridge.TranscriptDifference')]
    [OutputType([string])]
    param(
        # The transcript of the reference run (the one taken as right). Relative to the current location.
        [Parameter(Mandatory, Position = 0)]
        [string] $ReferencePath,

        # The transcript compared with it. Relative to the current location.
        [Parameter(Mandatory, Position = 1)]
        [string] $DifferencePath,

        # Dotted paths not to compare, * standing for one key or index: body.clientContext,
        # body.participants[*].replacesCallId, header.prefer, query.*. A path covers what lies below it.
        [string[]] $Ignore,

        # Request headers to compare besides content-type, if-match, if-none-match, prefer and consistencylevel.
        [string[]] $Header,

        # Write the whole report as one string instead of the differences: Text, as
        # `mgbridge transcript diff` prints it, or Json, its JSON document (--format json).
        [ValidateSet('Text', 'Json')]
        [string] $Report
    )

    $files = foreach ($path in $ReferencePath, $DifferencePath) {
        $file = $PSCmdlet.GetUnresolvedProviderPathFromPSPath($path)
        if (-not [System.IO.File]::Exists($file)) {
            $PSCmdlet.ThrowTerminatingError([System.Management.Automation.ErrorRecord]::new(
                    [System.Management.Automation.ItemNotFoundException]::new("Cannot find the transcript '$file'."),
                    'MgBridge.TranscriptNotFound', [System.Management.Automation.ErrorCategory]::ObjectNotFound, $path))
        }
        $file
    }
    $arguments = [ordered]@{ reference = $files[0]; difference = $files[1] }
    if ($Ignore) { $arguments['ignore'] = @($Ignore) }
    if ($Header) { $arguments['headers'] = @($Header) }

    try {
        $reply = InvokeBridgeLogged -Operation 'transcript_diff' -Arguments $arguments
    } catch [System.Management.Automation.PipelineStoppedException], [System.Management.Automation.ActionPreferenceStopException] {
        throw
    } catch {
        $PSCmdlet.ThrowTerminatingError((NewBridgeErrorRecord -Exception $_.Exception -ErrorId 'MgBridge.CoreUnavailable' -Category NotInstalled))
    }
    if (-not $reply.ok) {
        # The core names the file and the line of a transcript it cannot read.
        $record = if ($reply.error.type -eq 'BodyError') {
            $named = @($files | Where-Object { ([string]$reply.error.message).Contains($_) })[0]
            NewBridgeErrorRecord -Exception ([System.IO.InvalidDataException]::new($reply.error.message)) `
                -ErrorId 'MgBridge.InvalidTranscript' -Category InvalidData -TargetObject $named
        } else {
            NewBridgeErrorRecord -BridgeError $reply.error
        }
        $PSCmdlet.ThrowTerminatingError($record)
    }
    $result = $reply.result

    switch ($Report) {
        'Text' { return [string]$result.text }
        'Json' {
            return ($result | Select-Object -Property * -ExcludeProperty text | ConvertTo-Json -Depth 100)
        }
    }
    foreach ($difference in $result.differences) {
        [pscustomobject]@{
            PSTypeName     = 'MgBridge.TranscriptDifference'
            Line           = $difference.line
            OtherLine      = $difference.otherLine
            Kind           = $difference.kind
            Where          = $difference.where
            Message        = $difference.message
            Request        = $difference.request
            Reference      = $difference.reference
            Difference     = $difference.difference
            ReferencePath  = $result.reference.file
            DifferencePath = $result.difference.file
        }
    }
}
