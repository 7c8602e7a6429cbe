<#
.SYNOPSIS
One part of the reliability run, in this pwsh process, against the sandbox whose state file
$env:MGBRIDGE_SANDBOX_STATE names; writes its results as JSON for reliability/run.py (or Pester).
.DESCRIPTION
Parts (the request file's "part"):
  faults    invites from runspaces, one per context, under the retry policy of the request (the
            faults are queued by the caller); one outcome per invite
  load      runspaces x invites per runspace in rounds (the first is the warm-up); outcomes,
            thread counts and memory after each round
  badinput  the corpus (tests/data/bad_inputs.json) through the invite cmdlet: per case the
            error, the requests the sandbox recorded meanwhile, and a valid invite right after
  secrets   sign-ins (secret, certificate with password, access token, AZURE_* variables) and
            failing ones with -Verbose -Debug, all streams, $Error, a transcript and the mgbridge
            CLI with --debug: every text, for the caller to scan
The transport is in-process unless $env:MGBRIDGE_TRANSPORT says 'process'.
#>
param(
    [Parameter(Mandatory)] [string] $RequestFile,
    [Parameter(Mandatory)] [string] $OutputFile
)
$ErrorActionPreference = 'Stop'
$root = Resolve-Path (Join-Path $PSScriptRoot '..')
$request = Get-Content -LiteralPath $RequestFile -Raw | ConvertFrom-Json -AsHashtable
Import-Module (Join-Path $root 'psmodule' 'MgBridge' 'MgBridge.psd1')
Import-Module (Join-Path $PSScriptRoot 'Reliability.psm1')

function Invoke-Sandbox([string] $Method = 'Get', [string] $Path, $Body) {
    if ($null -eq $Body) { Invoke-MgBridgeSandboxRequest -Method $Method -Path $Path -Confirm:$false }
    else { Invoke-MgBridgeSandboxRequest -Method $Method -Path $Path -Body $Body -Confirm:$false }
}

$result = [ordered]@{ part = $request.part; transport = (Get-MgBridgeRuntime).Transport }

switch ($request.part) {
    'faults' {
        # The retry policy under test, as the SDK's Set-MgRequestContext would set it.
        $options = [ordered]@{ environment = 'Sandbox' }
        foreach ($entry in $request.connect.GetEnumerator()) { $options[$entry.Key] = $entry.Value }
        $reply = & (Get-Module MgBridge) { param($a) InvokeBridge -Operation connect -Arguments $a } $options
        if (-not $reply.ok) { throw "connect failed: $($reply.error.message)" }
        $result['before'] = Get-ProcessSnapshot
        $watch = [System.Diagnostics.Stopwatch]::StartNew()
        $run = Invoke-RunspaceInvite -CallId $request.call_id -Rounds (, [string[]]$request.contexts) `
            -Runspaces $request.runspaces -DeadlineSeconds $request.deadline_s
        # The invites' time, without opening the runspaces (each imports the module).
        $result['seconds'] = [math]::Round($watch.Elapsed.TotalSeconds - $run.open_seconds, 2)
        $result['open_seconds'] = $run.open_seconds
        $result['outcomes'] = $run.outcomes
        $result['after'] = $run.closed
    }
    'load' {
        Connect-MgGraph -Environment Sandbox -NoWelcome
        $result['start'] = Get-ProcessSnapshot
        $watch = [System.Diagnostics.Stopwatch]::StartNew()
        $run = Invoke-RunspaceInvite -CallId $request.call_id -Rounds $request.rounds `
            -Runspaces $request.runspaces -DeadlineSeconds $request.deadline_s
        $result['seconds'] = [math]::Round($watch.Elapsed.TotalSeconds - $run.open_seconds, 2)
        $result['open_seconds'] = $run.open_seconds
        $result['rounds'] = $run.rounds
        $result['closed'] = $run.closed
        $result['outcomes'] = $run.outcomes
    }
    'badinput' {
        Connect-MgGraph -Environment Sandbox -NoWelcome
        $callId = (Invoke-Sandbox -Method Post -Path calls -Body @{}).id
        $cases = [System.Collections.Generic.List[object]]::new()
        foreach ($case in Get-CorpusCase) {
            if ($case.Skip) { $cases.Add([ordered]@{ id = $case.Id; skip = $case.Skip }); continue }
            $before = @((Invoke-Sandbox -Path requests).value).Count
            try {
                $outcome = Invoke-CorpusCase -Case $case -CallId $callId
            } catch {
                $outcome = [ordered]@{ id = $case.Id; kind = 'runner failed'; message = "$_"; problems = @("runner: $_") }
            }
            $outcome['sent'] = @((Invoke-Sandbox -Path requests).value).Count - $before
            $outcome['known_bug'] = $case.KnownBug
            $operation = Invoke-MgBetaInviteCommunicationCallParticipant -CallId $callId `
                -BodyParameter @{ Participants = @(New-ValidParticipant) } -ErrorAction SilentlyContinue
            $outcome['survived'] = [bool]$operation.Id
            $cases.Add($outcome)
        }
        $result['cases'] = @($cases)
    }
    'secrets' {
        $state = Get-Content -LiteralPath $env:MGBRIDGE_SANDBOX_STATE -Raw | ConvertFrom-Json
        $texts = [ordered]@{}
        $transcript = Join-Path ([System.IO.Path]::GetTempPath()) "mgbridge-transcript-$PID.txt"
        $null = Start-Transcript -LiteralPath $transcript -Force
        function Show([string] $Name, [scriptblock] $Action) {
            # Every stream (output, error, warning, verbose, debug, information), as the host
            # shows them; a terminating error becomes part of the text too.
            $ErrorActionPreference = 'Continue'
            $texts[$Name] = & {
                try { & $Action } catch { $_; $_.Exception.ToString() }
            } *>&1 | Out-String -Width 4096
            $texts[$Name] | Out-Host
        }
        $callId = (Invoke-Sandbox -Method Post -Path calls -Body @{}).id
        function Invite { Invoke-MgBetaInviteCommunicationCallParticipant -CallId $callId -BodyParameter @{ Participants = @(New-ValidParticipant) } -Verbose -Debug }
        $secret = ConvertTo-SecureString $state.client_secret -AsPlainText -Force
        $credential = [pscredential]::new($state.client_id, $secret)
        Show 'secret' {
            Connect-MgGraph -Environment Sandbox -TenantId $state.tenant_id -ClientSecretCredential $credential -Verbose -Debug
            Invite
            Get-MgContext | Format-List * | Out-String
            Get-MgContext | ConvertTo-Json -Depth 5
        }
        $pfx = [System.Security.Cryptography.X509Certificates.X509Certificate2]::new(
            $state.certificate_pfx_file, $state.certificate_password, 'Exportable')
        Show 'certificate with password' {
            Connect-MgGraph -Environment Sandbox -ClientId $state.client_id -TenantId $state.tenant_id -Certificate $pfx -Verbose -Debug
            Invite
            Get-MgContext | Format-List * | Out-String
        }
        Show 'access token' {
            Connect-MgGraph -Environment Sandbox -AccessToken (ConvertTo-SecureString $request.token -AsPlainText -Force) -Verbose -Debug
            Invite
        }
        Show 'environment variables' {
            $env:AZURE_CLIENT_ID = $state.client_id
            $env:AZURE_TENANT_ID = $state.tenant_id
            $env:AZURE_CLIENT_SECRET = $state.client_secret
            Connect-MgGraph -Environment Sandbox -EnvironmentVariable -Verbose -Debug
            Invite
            Remove-Item Env:AZURE_CLIENT_SECRET, Env:AZURE_CLIENT_ID, Env:AZURE_TENANT_ID
        }
        Show 'wrong secret' {
            $wrong = [pscredential]::new($state.client_id, (ConvertTo-SecureString $request.wrong_secret -AsPlainText -Force))
            Connect-MgGraph -Environment Sandbox -TenantId $state.tenant_id -ClientSecretCredential $wrong -Verbose -Debug -ErrorAction Continue
        }
        Show 'wrong certificate password' {
            try {
                $null = [System.Security.Cryptography.X509Certificates.X509Certificate2]::new($state.certificate_pfx_file, $request.wrong_password)
            } catch { Write-Error -ErrorRecord $_ -ErrorAction Continue }
        }
        Show 'expired token' {
            Connect-MgGraph -Environment Sandbox -AccessToken (ConvertTo-SecureString $request.expired_token -AsPlainText -Force) -Verbose -Debug -ErrorAction Continue
            Invite
        }
        Show 'foreign token' {
            Connect-MgGraph -Environment Sandbox -AccessToken (ConvertTo-SecureString $request.foreign_token -AsPlainText -Force) -Verbose -Debug -ErrorAction Continue
            Invite
        }
        Show 'app without the role' {
            $noRole = [pscredential]::new($state.no_role_client_id, (ConvertTo-SecureString $state.no_role_client_secret -AsPlainText -Force))
            Connect-MgGraph -Environment Sandbox -TenantId $state.tenant_id -ClientSecretCredential $noRole -Verbose -Debug
            Invite
        }
        Show 'disconnect' { Disconnect-MgGraph -Verbose -Debug }
        # The CLI, with its secrets in the environment (never on the command line).
        $mgbridge = Join-Path (Split-Path (Get-Content (Join-Path $root 'psmodule' 'MgBridge' 'python-path.txt') -TotalCount 1)) 'mgbridge'
        Show 'mgbridge CLI' {
            $env:MGBRIDGE_CLIENT_SECRET = $state.client_secret
            & $mgbridge --debug connect -e Sandbox --client-id $state.client_id --tenant-id $state.tenant_id --context-scope process 2>&1
            & $mgbridge --debug invite -e Sandbox --call-id $callId --participant '{"identity": {"user": {"id": "cli-user"}}}' 2>&1
            $env:MGBRIDGE_CLIENT_SECRET = $request.wrong_secret
            & $mgbridge --debug connect -e Sandbox --client-id $state.client_id --tenant-id $state.tenant_id --context-scope process 2>&1
            $env:MGBRIDGE_CERTIFICATE_PASSWORD = $state.certificate_password
            & $mgbridge --debug connect -e Sandbox --client-id $state.client_id --tenant-id $state.tenant_id --certificate $state.certificate_pfx_file --certificate-password --context-scope process 2>&1
            Remove-Item Env:MGBRIDGE_CLIENT_SECRET, Env:MGBRIDGE_CERTIFICATE_PASSWORD
        }
        $texts['$Error'] = $Error | ForEach-Object {
            $_ | Format-List * -Force | Out-String -Width 4096
            $_.Exception.ToString()
            if ($_.ErrorDetails) { $_.ErrorDetails.Message }
            if ($null -ne $_.TargetObject) { ConvertTo-Json -InputObject $_.TargetObject -Depth 6 -WarningAction Ignore }
        } | Out-String -Width 4096
        $null = Stop-Transcript
        $texts['transcript'] = Get-Content -LiteralPath $transcript -Raw
        Remove-Item -LiteralPath $transcript
        $result['texts'] = $texts
        $result['errors'] = $Error.Count
    }
    default { throw "unknown part $($request.part)" }
}

$result | ConvertTo-Json -Depth 20 -Compress | Set-Content -LiteralPath $OutputFile -Encoding utf8NoBOM
