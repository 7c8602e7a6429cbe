#Requires -Version 7.4
<#
.SYNOPSIS
Runs the seven examples of the Invoke-MgBetaInviteCommunicationCallParticipant help page, unchanged,
against a local sandbox, and shows the operations they return; then a whole SDK script around an
invite (examples/powershell/CallFlow.ps1).
.DESCRIPTION
Puts psmodule/compat first on PSModulePath, so each example's own
`Import-Module Microsoft.Graph.Beta.CloudCommunications` loads mgbridge; starts a sandbox of its own
(state in a temporary folder); creates the calls the examples need; connects with
`Connect-MgGraph -Environment Sandbox`; runs examples/powershell/Example1.ps1 ... Example7.ps1
with $callId set to a fresh call each; reads the operations again once they have finished; runs
examples/powershell/CallFlow.ps1 (place a call, invite, list, mute, remove, hang up); stops the
sandbox. Exits 1 if any example fails. `make demo` runs it.
.PARAMETER Transcript
Record the Graph requests of the seven examples and of the reads after them (not those of
CallFlow.ps1) to this transcript file (JSON Lines, replaced if it exists), through
$env:MGBRIDGE_RECORD: what the examples put on the wire, to compare with another run's
(Compare-MgBridgeTranscript, `mgbridge transcript diff`).
.PARAMETER Installed
Use the modules installed on PSModulePath (Install-PSResource) instead of this repository's.
.EXAMPLE
pwsh -NoProfile -File examples/Invoke-Demo.ps1
.EXAMPLE
pwsh -NoProfile -File examples/Invoke-Demo.ps1 -Transcript demo.jsonl

Also records the examples' requests to demo.jsonl.
#>
[CmdletBinding()]
param(
    [string] $Transcript,
    [switch] $Installed
)

$ErrorActionPreference = 'Stop'
$root = Split-Path -Path $PSScriptRoot -Parent
if (-not $Installed) {
    $env:PSModulePath = (Join-Path $root 'psmodule' 'compat') + [System.IO.Path]::PathSeparator + $env:PSModulePath
}
$stateFolder = Join-Path ([System.IO.Path]::GetTempPath()) "mgbridge-demo-$PID"
$env:MGBRIDGE_SANDBOX_STATE = Join-Path $stateFolder 'sandbox.json'
Import-Module Microsoft.Graph.Authentication
# The sandbox commands are mgbridge's own, not in the SDK's modules.
Import-Module $(if ($Installed) { 'MgBridge' } else { Join-Path $root 'psmodule' 'MgBridge' 'MgBridge.psd1' })

$failed = 0
$recordingBefore = $env:MGBRIDGE_RECORD
$sandbox = Start-MgBridgeSandbox
try {
    Write-Host "Sandbox: $($sandbox.Graph) (process $($sandbox.ProcessId))"
    Connect-MgGraph -Environment Sandbox

    # The call the examples replace (ReplacesCallId), holding the participant example 6 moves.
    $null = Invoke-MgBridgeSandboxRequest -Method Post -Path 'calls' -Body @{
        id           = 'a7ebfb2d-871e-419c-87af-27290b22e8db'
        participants = @(@{ id = '7d501bf1-5ee4-4605-ba92-0ae4513c611c'; identity = @{ user = @{ id = '682b6c37-0729-4fab-ace6-d730d5d9137e' } } })
    }

    if ($Transcript) {
        # A full path: the core resolves a relative one against the process's directory, not $PWD.
        $Transcript = $ExecutionContext.SessionState.Path.GetUnresolvedProviderPathFromPSPath($Transcript)
        Remove-Item -LiteralPath $Transcript -ErrorAction Ignore
        $env:MGBRIDGE_RECORD = $Transcript
    }

    $results = foreach ($number in 1..7) {
        $example = Join-Path $root 'examples' 'powershell' "Example$number.ps1"
        $callId = (Invoke-MgBridgeSandboxRequest -Method Post -Path 'calls' -Body @{}).id
        try {
            # A child scope of this one: the example sees $callId, exactly as the help page assumes.
            $operation = & $example
            [pscustomobject]@{ Example = $number; CallId = $callId; Operation = $operation }
        } catch {
            $failed++
            Write-Host "Example $number failed: $_" -ForegroundColor Red
        }
    }

    Write-Host "`nThe operations the examples returned:"
    # Wide enough for the whole ids, also when the output is redirected (80 columns otherwise).
    $results.Operation | Format-Table -AutoSize | Out-String -Width 120 | Write-Host

    Start-Sleep -Milliseconds 500
    Write-Host 'The same operations, read again once finished:'
    $results | ForEach-Object {
        Get-MgBetaCommunicationCallOperation -CallId $_.CallId -CommsOperationId $_.Operation.Id
    } | Format-Table -AutoSize | Out-String -Width 120 | Write-Host
    if ($Transcript) { $env:MGBRIDGE_RECORD = $recordingBefore }

    Write-Host 'A whole SDK script around an invite (examples/powershell/CallFlow.ps1):'
    & (Join-Path $root 'examples' 'powershell' 'CallFlow.ps1') | Write-Host
    Disconnect-MgGraph | Out-Null
} finally {
    $env:MGBRIDGE_RECORD = $recordingBefore
    Stop-MgBridgeSandbox
    Remove-Item -LiteralPath $stateFolder -Recurse -Force -ErrorAction Ignore
}
Write-Host "$(7 - $failed) of 7 examples ran."
exit [int]($failed -gt 0)
