<#
Per-invite time from PowerShell, all contenders alternating in one process:
  cmdlet_inprocess   Invoke-MgBetaInviteCommunicationCallParticipant, Python hosted in-process
  cmdlet_process     the same cmdlet over the process transport ($env:MGBRIDGE_TRANSPORT='process')
  irm                Invoke-RestMethod with the same JSON text and bearer token (a new HttpClient,
                     so a new TLS connection, per call: what a plain script does)
  irm_websession     the same with -WebSession (PowerShell 7.4+ keeps its HttpClient: keep-alive)
then the no-op boundary round trip (hosting_info through the module's InvokeBridge) of each
transport. Writes the samples (ns) and the sandbox's invite counts to -OutFile as JSON.
#>
param(
    [int] $Rounds = 1000,
    [int] $Warmup = 100,
    [Parameter(Mandatory)] [string] $BodyJson,
    [Parameter(Mandatory)] [string] $OutFile,
    [string] $Only
)
. (Join-Path $PSScriptRoot 'BenchCommon.ps1')

Import-Module MgBridge
$module = Get-Module MgBridge
$state = Get-BenchState
$token = Get-BenchToken $state
$params = New-BenchParams

Remove-Item Env:MGBRIDGE_TRANSPORT -ErrorAction Ignore
Connect-MgGraph -Environment Sandbox -NoWelcome
$env:MGBRIDGE_TRANSPORT = 'process'
Connect-MgGraph -Environment Sandbox -NoWelcome
Remove-Item Env:MGBRIDGE_TRANSPORT

$calls = [ordered]@{}
foreach ($name in 'cmdlet_inprocess', 'cmdlet_process', 'irm', 'irm_websession') { $calls[$name] = New-BenchCall $state }
$url = { param($call) "$($state.graph)/beta/communications/calls/$call/participants/invite" }
$irmUrl = & $url $calls['irm']
$wsUrl = & $url $calls['irm_websession']
$headers = @{ Authorization = "Bearer $token" }
$session = [Microsoft.PowerShell.Commands.WebRequestSession]::new()
$inprocessCall = $calls['cmdlet_inprocess']
$processCall = $calls['cmdlet_process']

$contenders = [ordered]@{
        cmdlet_inprocess = { Invoke-MgBetaInviteCommunicationCallParticipant -CallId $inprocessCall -BodyParameter $params }
        cmdlet_process   = { Invoke-MgBetaInviteCommunicationCallParticipant -CallId $processCall -BodyParameter $params }
        irm              = { Invoke-RestMethod -Method Post -Uri $irmUrl -Headers $headers -Body $BodyJson -ContentType 'application/json' -SkipCertificateCheck }
        irm_websession   = { Invoke-RestMethod -Method Post -Uri $wsUrl -Headers $headers -Body $BodyJson -ContentType 'application/json' -SkipCertificateCheck -WebSession $session }
    }
if ($Only) { foreach ($name in @($contenders.Keys)) { if ($name -notin ($Only -split ',')) { $contenders.Remove($name) } } }
$before = Get-BenchInviteCount $state
$invites = Measure-BenchRounds -Rounds $Rounds -Warmup $Warmup -Contenders $contenders -Before @{ cmdlet_process = { $env:MGBRIDGE_TRANSPORT = 'process' } } -After @{ cmdlet_process = { Remove-Item Env:MGBRIDGE_TRANSPORT } }
$after = Get-BenchInviteCount $state

$boundary = Measure-BenchRounds -Rounds $Rounds -Warmup $Warmup -Contenders ([ordered]@{
        inprocess = { & $module { InvokeBridge -Operation hosting_info } }
        process   = { & $module { InvokeBridge -Operation hosting_info } }
    }) -Before @{ process = { $env:MGBRIDGE_TRANSPORT = 'process' } } -After @{ process = { Remove-Item Env:MGBRIDGE_TRANSPORT } }
# Both transports really ran: the in-process reply names this process, the other its child.
$inprocessPid = (& $module { InvokeBridge -Operation hosting_info }).result.pid
$env:MGBRIDGE_TRANSPORT = 'process'
$processPid = (& $module { InvokeBridge -Operation hosting_info }).result.pid
Remove-Item Env:MGBRIDGE_TRANSPORT

Save-BenchResult -Path $OutFile -Result ([ordered]@{
        invites         = $invites
        boundary        = $boundary
        calls           = $calls
        sent_expected   = $contenders.Count * ($Rounds + $Warmup)
        sent_accepted   = $after - $before
        pwsh_pid        = $PID
        inprocess_pid   = $inprocessPid
        process_pid     = $processPid
    })
