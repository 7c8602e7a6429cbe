#Requires -Version 7.4
<#
.SYNOPSIS
Runs every documented example of the SDK's calls-family commands, unchanged, against a local
sandbox, and records what each one put on the wire.
.DESCRIPTION
Reads the SDK's own example files (tests/data/sdk_examples/<version>/<Command>.md, copied from
microsoftgraph/msgraph-sdk-powershell), puts psmodule/compat first on PSModulePath so that each
example's `Import-Module Microsoft.Graph[.Beta].CloudCommunications` loads mgbridge, starts a
sandbox of its own and connects to it. Before each example it makes what the example refers to —
$callId (an established call, or an incoming one for answer, reject and redirect),
$participantId, $audioRoutingGroupId, $commsOperationId, $contentSharingSessionId — then runs the
example's code as written, with $ErrorActionPreference = 'Stop'. Prints one line per example and
the counts; exits 1 if any example failed. An example whose body is bad input (one writes the
list of an enum's members where a member belongs) is refused before anything is sent, naming the
value: that is counted apart, not as a failure.
.PARAMETER ResultFile
Also write, per example, the command, example number, outcome and the request it sent (method,
path, JSON body as the sandbox recorded it) to this JSON file.
.EXAMPLE
pwsh -NoProfile -File examples/Invoke-SdkExamples.ps1
#>
[CmdletBinding()]
param(
    [string] $ResultFile
)

# Global, so that the module's commands see it too (a script-scope preference stays with the
# script), and an example's error stops it as a terminating one.
$global:ErrorActionPreference = 'Stop'
$root = Split-Path -Path $PSScriptRoot -Parent
$env:PSModulePath = (Join-Path $root 'psmodule' 'compat') + [System.IO.Path]::PathSeparator + $env:PSModulePath
$stateFolder = Join-Path ([System.IO.Path]::GetTempPath()) "mgbridge-sdk-examples-$PID"
$env:MGBRIDGE_SANDBOX_STATE = Join-Path $stateFolder 'sandbox.json'
Import-Module Microsoft.Graph.Authentication
Import-Module (Join-Path $root 'psmodule' 'MgBridge' 'MgBridge.psd1')

function Get-SdkExample {
    <# The examples of one SDK example file: number, title and the PowerShell code. #>
    param([string] $Path)
    # Some files break lines with a lone carriage return.
    $text = (Get-Content -Raw -LiteralPath $Path) -replace "`r`n?", "`n"
    $pattern = '(?ms)^### Example (\d+): ([^\n]*)\n.*?```powershell\n(.*?)```'
    foreach ($match in [regex]::Matches($text, $pattern)) {
        [pscustomobject]@{ Number = [int]$match.Groups[1].Value; Title = $match.Groups[2].Value.Trim(); Code = $match.Groups[3].Value }
    }
}

function New-ExampleCall {
    <# A call for one example: established, holding one participant (and any others the example
    names), or incoming. #>
    param([switch] $Incoming, [string[]] $ParticipantId)
    $body = @{
        participants = @(
            foreach ($id in @([guid]::NewGuid().ToString()) + $ParticipantId) {
                @{ id = $id; identity = @{ user = @{ id = [guid]::NewGuid().ToString(); displayName = 'Example participant' } } }
            }
        )
    }
    if ($Incoming) { $body['direction'] = 'incoming' }
    Invoke-MgBridgeSandboxRequest -Method Post -Path 'calls' -Body $body
}

function Get-RecordedRequest {
    (Invoke-MgBridgeSandboxRequest -Path 'requests').value
}

$results = [System.Collections.Generic.List[object]]::new()
$sandbox = Start-MgBridgeSandbox
try {
    Write-Host "Sandbox: $($sandbox.Graph) (process $($sandbox.ProcessId))"
    Connect-MgGraph -Environment Sandbox -NoWelcome
    # The call the invitation examples replace (ReplacesCallId), holding the participant one moves.
    $null = Invoke-MgBridgeSandboxRequest -Method Post -Path 'calls' -Body @{
        id           = 'a7ebfb2d-871e-419c-87af-27290b22e8db'
        participants = @(@{ id = '7d501bf1-5ee4-4605-ba92-0ae4513c611c'; identity = @{ user = @{ id = '682b6c37-0729-4fab-ace6-d730d5d9137e' } } })
    }

    foreach ($version in 'beta', 'v1.0') {
        $beta = if ($version -eq 'beta') { 'Beta' } else { '' }
        foreach ($file in Get-ChildItem -LiteralPath (Join-Path $root 'tests' 'data' 'sdk_examples' $version) -Filter '*.md' | Sort-Object Name) {
            foreach ($example in Get-SdkExample -Path $file.FullName) {
                $command = $file.BaseName
                # An audio routing group routes between participants of the call: those it names.
                $named = if ($command -match 'AudioRoutingGroup') {
                    [regex]::Matches($example.Code, '"([0-9a-f]{8}-[0-9a-f-]{27})"') | ForEach-Object { $_.Groups[1].Value }
                }
                $call = New-ExampleCall -Incoming:($command -match "^Invoke-Mg$($beta)(Answer|Reject|Redirect)CommunicationCall$") -ParticipantId $named
                $callId = $call.id
                $participantId = $call.participants[0].id
                if ($example.Code -match '\$audioRoutingGroupId') {
                    # The group the example updates, under the id its body names if it names one.
                    $group = @{ routingMode = 'oneToOne'; sources = @($participantId); receivers = @($participantId) }
                    if ($example.Code -match '(?m)^\s*id = "([^"]+)"') { $group['id'] = $Matches[1] }
                    $audioRoutingGroupId = (& "New-Mg$($beta)CommunicationCallAudioRoutingGroup" -CallId $callId -BodyParameter $group).Id
                }
                if ($example.Code -match '\$commsOperationId') {
                    $commsOperationId = (& "Invoke-Mg$($beta)MuteCommunicationCallParticipant" -CallId $callId -ParticipantId $participantId).Id
                }
                if ($example.Code -match '\$contentSharingSessionId') {
                    $contentSharingSessionId = (Invoke-MgBridgeSandboxRequest -Method Post -Path "calls/$callId/contentSharingSessions" -Body @{}).id
                }
                $before = @(Get-RecordedRequest).Count
                $outcome = [ordered]@{ version = $version; command = $command; example = $example.Number; title = $example.Title }
                try {
                    $null = & ([scriptblock]::Create($example.Code))
                    $outcome['ok'] = $true
                } catch {
                    $outcome['ok'] = $false
                    $outcome['error'] = "$_"
                    # Bad input is refused before anything is sent, naming what is wrong.
                    $outcome['refused'] = $_.FullyQualifiedErrorId -like 'BodyError,*'
                }
                $sent = @(Get-RecordedRequest | Select-Object -Skip $before)
                if ($sent) {
                    $request = $sent[-1]
                    $outcome['method'] = $request.method
                    $outcome['path'] = $request.path
                    $outcome['status'] = $request.status
                    $outcome['body'] = $request.body
                }
                $results.Add([pscustomobject]$outcome)
                $mark = if ($outcome.ok) { 'ok  ' } elseif ($outcome.refused) { 'bad ' } else { 'FAIL' }
                Write-Host ("{0} {1} example {2}: {3}{4}" -f $mark, $command, $example.Number, $example.Title,
                    $(if (-not $outcome.ok) { " -- $($outcome.error)" }))
            }
        }
    }
    if ($ResultFile) {
        ConvertTo-Json -InputObject @($results) -Depth 60 | Set-Content -LiteralPath $ResultFile
    }
    Disconnect-MgGraph | Out-Null
} finally {
    Stop-MgBridgeSandbox
    Remove-Item -LiteralPath $stateFolder -Recurse -Force -ErrorAction Ignore
}
$refused = @($results | Where-Object { -not $_.ok -and $_.refused }).Count
$failed = @($results | Where-Object { -not $_.ok -and -not $_.refused }).Count
Write-Host "$($results.Count - $failed - $refused) of $($results.Count) SDK examples ran; $refused refused before sending, naming what is wrong; $failed failed."
exit [int]($failed -gt 0)
