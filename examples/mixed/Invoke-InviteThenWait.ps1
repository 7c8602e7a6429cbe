#Requires -Version 7.4
<#
.SYNOPSIS
Both languages on one task: PowerShell invites a participant with the SDK cmdlet (as an existing
script would), then hands the operation to a Python script that waits for it to finish.
.DESCRIPTION
Needs a running sandbox (Start-MgBridgeSandbox or `mgbridge sandbox`; MGBRIDGE_SANDBOX_STATE
names its state file if it is not the default one). The Python side runs with the interpreter
mgbridge itself uses (Get-MgBridgeRuntime), connects on its own and polls the operation with
Session.wait_operation; it prints the finished operation as JSON, which this script reads back.
.EXAMPLE
Start-MgBridgeSandbox
pwsh -NoProfile -File examples/mixed/Invoke-InviteThenWait.ps1
#>
[CmdletBinding()]
param()

$ErrorActionPreference = 'Stop'
$root = Split-Path -Path $PSScriptRoot -Parent | Split-Path -Parent
Import-Module (Join-Path $root 'psmodule' 'MgBridge' 'MgBridge.psd1')

if (-not (Get-MgContext)) { Connect-MgGraph -Environment Sandbox -NoWelcome }
$callId = (Invoke-MgBridgeSandboxRequest -Method Post -Path 'calls' -Body @{}).id

$params = @{
    Participants  = @(
        @{
            Identity = @{ User = @{ Id = '278405a3-f568-4b3e-b684-009193463064'; IdentityProvider = 'AAD' } }
        }
    )
    ClientContext = 'mixed-example'
}
$operation = Invoke-MgBetaInviteCommunicationCallParticipant -CallId $callId -BodyParameter $params
Write-Host "PowerShell invited: operation $($operation.Id) is $($operation.Status)"

$python = (Get-MgBridgeRuntime).Executable
$final = & $python (Join-Path $PSScriptRoot 'wait_operation.py') $callId $operation.Id | ConvertFrom-Json
if ($LASTEXITCODE -ne 0) { throw "wait_operation.py failed ($LASTEXITCODE)." }
Write-Host "Python saw it finish: $($final.status) (client context $($final.clientContext))"
