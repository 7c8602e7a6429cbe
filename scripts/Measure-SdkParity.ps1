#Requires -Version 7.4
<#
.SYNOPSIS
Times the SDK's own Invoke-MgBetaInviteCommunicationCallParticipant (built from source, see
../shared/genuine-sdk) and mgbridge's, side by side on one local sandbox: module import, first
invite, and the per-invite median and 90th percentile over a few hundred invites in one pwsh.
.DESCRIPTION
Each contender runs in its own fresh pwsh (the command names are the same): the genuine module
through setup-genuine.ps1, mgbridge in-process and over the process transport through the
drop-in manifest psmodule/compat/Microsoft.Graph.Beta.CloudCommunications. Every contender sends
the same body to its own call. -ImportRuns more fresh processes per contender time the import
alone. Prints a Markdown table (docs/sdk-parity.md keeps the last one) and, with -OutFile, writes
the samples as JSON.
.PARAMETER ModulesDir
The genuine SDK's modules folder; by default $env:MGBRIDGE_GENUINE_SDK, else
.tools/genuine-sdk/modules (`make genuine-sdk` builds it).
.EXAMPLE
pwsh -NoProfile -File scripts/Measure-SdkParity.ps1 -Invites 300
#>
[CmdletBinding()]
param(
    [string] $ModulesDir,
    [int] $Invites = 300,
    [int] $Warmup = 20,
    [int] $ImportRuns = 5,
    [string] $OutFile
)

$ErrorActionPreference = 'Stop'
$root = Split-Path -Path $PSScriptRoot -Parent
if (-not $ModulesDir) {
    $ModulesDir = if ($env:MGBRIDGE_GENUINE_SDK) { $env:MGBRIDGE_GENUINE_SDK } else { Join-Path $root '.tools' 'genuine-sdk' 'modules' }
}
if (-not (Test-Path -LiteralPath (Join-Path $ModulesDir 'Microsoft.Graph.Beta.CloudCommunications'))) {
    throw "The genuine SDK module is not built in $ModulesDir (make genuine-sdk, or set MGBRIDGE_GENUINE_SDK)."
}
# Its loader: as tests/powershell/SdkParity.Tests.ps1 finds it.
$setupGenuine = @(
    $env:MGBRIDGE_GENUINE_SETUP
    Join-Path $ModulesDir '..' 'setup-genuine.ps1'
    Join-Path $root '..' 'shared' 'genuine-sdk' 'setup-genuine.ps1'
) | Where-Object { $_ -and (Test-Path -LiteralPath $_) } | Select-Object -First 1
if (-not $setupGenuine) { throw 'setup-genuine.ps1 (../shared/genuine-sdk) was not found; set MGBRIDGE_GENUINE_SETUP to it.' }
$python = if ($env:MGBRIDGE_PYTHON) { $env:MGBRIDGE_PYTHON } else {
    (Get-Content -LiteralPath (Join-Path $root 'psmodule' 'MgBridge' 'python-path.txt') -TotalCount 1).Trim()
}
$pwsh = Join-Path $PSHOME 'pwsh'

function Invoke-Child([string] $Script, [hashtable] $Environment) {
    $start = [System.Diagnostics.ProcessStartInfo]::new($pwsh)
    foreach ($argument in '-NoProfile', '-NonInteractive', '-Command', $Script) { $start.ArgumentList.Add($argument) }
    $start.RedirectStandardOutput = $true
    $start.RedirectStandardError = $true
    foreach ($entry in $Environment.GetEnumerator()) { $start.Environment[$entry.Key] = [string]$entry.Value }
    $process = [System.Diagnostics.Process]::Start($start)
    $errors = $process.StandardError.ReadToEndAsync()
    $output = $process.StandardOutput.ReadToEnd()
    $process.WaitForExit()
    $line = ($output -split "`n" | Where-Object { $_.StartsWith('{') } | Select-Object -Last 1)
    if ($process.ExitCode -ne 0 -or -not $line) { throw "A timing run failed:`n$output`n$($errors.Result)" }
    $line | ConvertFrom-Json
}

function Get-Median([double[]] $Values) {
    $sorted = [double[]]($Values | Sort-Object)
    if ($sorted.Count % 2) { $sorted[($sorted.Count - 1) / 2] } else { ($sorted[$sorted.Count / 2 - 1] + $sorted[$sorted.Count / 2]) / 2 }
}

function Get-Percentile([double[]] $Values, [double] $Percent) {
    $sorted = [double[]]($Values | Sort-Object)
    $sorted[[math]::Min($sorted.Count - 1, [math]::Ceiling($Percent / 100 * $sorted.Count) - 1)]
}

# What each contender's fresh pwsh runs first: load its module, point it at the sandbox.
$load = @{
    genuine   = "& '$setupGenuine' -StatePath `$env:PARITY_STATE -ModulesDir '$ModulesDir' | Out-Null; `$importMs = `$global:ImportMs"
    inprocess = "`$env:PSModulePath = '$(Join-Path $root 'psmodule' 'compat')' + [IO.Path]::PathSeparator + `$env:PSModulePath
`$sw = [Diagnostics.Stopwatch]::StartNew(); Import-Module Microsoft.Graph.Beta.CloudCommunications; `$importMs = `$sw.Elapsed.TotalMilliseconds
Connect-MgGraph -Environment Sandbox -NoWelcome | Out-Null"
}
$load['process'] = $load['inprocess']
$timing = @'
$state = Get-Content -Raw -LiteralPath $env:PARITY_STATE | ConvertFrom-Json
$callId = (Invoke-RestMethod -Method Post -Uri "$($state.admin)/calls" -Body '{}' -ContentType 'application/json' -SkipCertificateCheck).id
$params = @{
    Participants = @(@{ Identity = @{ User = @{ Id = '278405a3-f568-4b3e-b684-009193463064'; IdentityProvider = 'AAD' } } })
    ClientContext = 'f2fa86af-3c51-4bc2-8fc0-475452d9764f'
}
$sw = [Diagnostics.Stopwatch]::StartNew()
$null = Invoke-MgBetaInviteCommunicationCallParticipant -CallId $callId -BodyParameter $params -ErrorAction Stop
$firstMs = $sw.Elapsed.TotalMilliseconds
for ($i = 0; $i -lt [int]$env:PARITY_WARMUP; $i++) { $null = Invoke-MgBetaInviteCommunicationCallParticipant -CallId $callId -BodyParameter $params -ErrorAction Stop }
$samples = [Collections.Generic.List[double]]::new()
for ($i = 0; $i -lt [int]$env:PARITY_INVITES; $i++) {
    $sw.Restart()
    $null = Invoke-MgBetaInviteCommunicationCallParticipant -CallId $callId -BodyParameter $params -ErrorAction Stop
    $samples.Add($sw.Elapsed.TotalMilliseconds)
}
[pscustomobject]@{ importMs = $importMs; firstMs = $firstMs; samples = $samples } | ConvertTo-Json -Compress
'@

$folder = Join-Path ([System.IO.Path]::GetTempPath()) "mgbridge-parity-$PID"
$null = New-Item -ItemType Directory -Force -Path $folder
$stateFile = Join-Path $folder 'sandbox.json'
$start = [System.Diagnostics.ProcessStartInfo]::new($python)
foreach ($argument in '-m', 'bridge.sandbox', '--state-file', $stateFile) { $start.ArgumentList.Add($argument) }
$start.RedirectStandardOutput = $true
$start.WorkingDirectory = $root
$sandbox = [System.Diagnostics.Process]::Start($start)
try {
    $null = $sandbox.StandardOutput.ReadLine()
    $state = Get-Content -Raw -LiteralPath $stateFile | ConvertFrom-Json
    $environment = @{
        PARITY_STATE = $stateFile; PARITY_INVITES = $Invites; PARITY_WARMUP = $Warmup
        MGBRIDGE_SANDBOX_STATE = $stateFile; SSL_CERT_FILE = $state.ca_file
    }
    $results = [ordered]@{}
    foreach ($contender in 'genuine', 'inprocess', 'process') {
        $childEnvironment = $environment.Clone()
        $childEnvironment['MGBRIDGE_TRANSPORT'] = if ($contender -eq 'process') { 'process' } else { 'inprocess' }
        Write-Host "Timing $contender ($Invites invites)..."
        $run = Invoke-Child -Script ($load[$contender] + "`n" + $timing) -Environment $childEnvironment
        $imports = @($run.importMs)
        for ($i = 1; $i -lt $ImportRuns; $i++) {
            $imports += (Invoke-Child -Script ($load[$contender] + "`n[pscustomobject]@{ importMs = `$importMs } | ConvertTo-Json -Compress") -Environment $childEnvironment).importMs
        }
        $results[$contender] = [pscustomobject]@{
            ImportMs = Get-Median $imports; FirstMs = $run.firstMs
            MedianMs = Get-Median $run.samples; P90Ms = Get-Percentile $run.samples 90; Samples = $run.samples; Imports = $imports
        }
    }
} finally {
    if (-not $sandbox.HasExited) { $sandbox.Kill(); $null = $sandbox.WaitForExit(5000) }
    Remove-Item -LiteralPath $folder -Recurse -Force -ErrorAction Ignore
}

$names = @{ genuine = 'SDK cmdlet (built from source)'; inprocess = 'mgbridge, in-process'; process = 'mgbridge, process transport' }
"| contender | import (median of $ImportRuns) | first invite | per invite, median of $Invites | 90th percentile |"
'| --- | ---: | ---: | ---: | ---: |'
foreach ($name in $results.Keys) {
    $r = $results[$name]
    '| {0} | {1:N0} ms | {2:N0} ms | {3:N2} ms | {4:N2} ms |' -f $names[$name], $r.ImportMs, $r.FirstMs, $r.MedianMs, $r.P90Ms
}
if ($OutFile) { $results | ConvertTo-Json -Depth 5 | Set-Content -LiteralPath $OutFile }
