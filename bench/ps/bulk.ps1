<#
Many invites from one pipeline: Invoke-MgBridgeInviteBatch -ThrottleLimit over -Transport, the
items (a JSON file: CallId and ClientContext of each) turned into the bodies a script would build.
Writes the seconds from the first item in to the last result out, and how many succeeded.
#>
param(
    [Parameter(Mandatory)] [string] $ItemsFile,
    [int] $ThrottleLimit = 32,
    [ValidateSet('inprocess', 'process')] [string] $Transport = 'inprocess',
    [Parameter(Mandatory)] [string] $OutFile
)
. (Join-Path $PSScriptRoot 'BenchCommon.ps1')

$env:MGBRIDGE_TRANSPORT = $Transport
Import-Module MgBridge
Connect-MgGraph -Environment Sandbox -NoWelcome
$items = foreach ($item in (Get-Content -LiteralPath $ItemsFile -Raw | ConvertFrom-Json)) {
    $body = New-BenchParams
    $body.ClientContext = $item.ClientContext
    [pscustomobject]@{ CallId = $item.CallId; BodyParameter = $body }
}
$clock = [System.Diagnostics.Stopwatch]::StartNew()
$operations = @($items | Invoke-MgBridgeInviteBatch -ThrottleLimit $ThrottleLimit)
$seconds = $clock.Elapsed.TotalSeconds

Save-BenchResult -Path $OutFile -Result ([ordered]@{
        seconds = $seconds
        ok      = @($operations | Where-Object { $_.Id }).Count
    })
