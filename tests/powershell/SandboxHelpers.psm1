# A real sandbox per test file, run as its own process (`python -m bridge.sandbox`), so that the
# Pester process never hosts Python; and its admin API.

function Start-TestSandbox {
    <#
    .SYNOPSIS
    Starts a sandbox with its own state file in a new temporary folder; returns its state
    (graph, admin, ca_file, tenant_id, client_id, client_secret, ...) plus Process and StateFile.
    #>
    param([int] $OperationDelayMs = 100)
    $root = Resolve-Path (Join-Path $PSScriptRoot '..' '..')
    $python = if ($env:MGBRIDGE_PYTHON) { $env:MGBRIDGE_PYTHON } else {
        (Get-Content -LiteralPath (Join-Path $root 'psmodule' 'MgBridge' 'python-path.txt') -TotalCount 1).Trim()
    }
    $folder = Join-Path ([System.IO.Path]::GetTempPath()) "mgbridge-pester-$([guid]::NewGuid().ToString('n').Substring(0, 8))"
    $null = New-Item -ItemType Directory -Path $folder
    $stateFile = Join-Path $folder 'sandbox.json'
    $start = [System.Diagnostics.ProcessStartInfo]::new($python)
    foreach ($argument in '-m', 'bridge.sandbox', '--state-file', $stateFile, '--operation-delay-ms', "$OperationDelayMs") {
        $start.ArgumentList.Add($argument)
    }
    $start.RedirectStandardOutput = $true
    $start.WorkingDirectory = $root
    $process = [System.Diagnostics.Process]::Start($start)
    $line = $process.StandardOutput.ReadLineAsync()
    if (-not $line.Wait(30000) -or -not $line.Result) {
        if (-not $process.HasExited) { $process.Kill() }
        throw "The sandbox did not start (exit code $(if ($process.HasExited) { $process.ExitCode }))."
    }
    $state = $line.Result | ConvertFrom-Json
    $state | Add-Member -NotePropertyName Process -NotePropertyValue $process
    $state | Add-Member -NotePropertyName StateFile -NotePropertyValue $stateFile
    $state | Add-Member -NotePropertyName Folder -NotePropertyValue $folder
    $state
}

function Stop-TestSandbox {
    param($Sandbox)
    if (-not $Sandbox) { return }
    # Its state lives in the folder removed below, so no graceful shutdown is needed.
    if (-not $Sandbox.Process.HasExited) {
        $Sandbox.Process.Kill()
        $null = $Sandbox.Process.WaitForExit(5000)
    }
    Remove-Item -LiteralPath $Sandbox.Folder -Recurse -Force -ErrorAction Ignore
}

function Invoke-SandboxAdmin {
    <#
    .SYNOPSIS
    Calls the sandbox's admin API. Its certificate comes from the sandbox's own CA, which
    Invoke-RestMethod cannot be told to trust per request on Linux; the API answers loopback
    clients only, so the check is skipped for a loopback address alone.
    #>
    param($Sandbox, [string] $Method = 'Get', [string] $Path, $Body)
    $uri = [uri]"$($Sandbox.admin)/$Path"
    if (-not [System.Net.IPAddress]::IsLoopback([System.Net.IPAddress]::Parse($uri.Host))) {
        throw "The sandbox admin API must be on a loopback address, not $($uri.Host)."
    }
    $request = @{ Method = $Method; Uri = $uri; SkipCertificateCheck = $true }
    if ($null -ne $Body) { $request['Body'] = ConvertTo-Json -InputObject $Body -Depth 20; $request['ContentType'] = 'application/json' }
    Invoke-RestMethod @request
}

function Get-SandboxInvite {
    <#
    .SYNOPSIS
    The invite requests the sandbox recorded, as hashtables (body parsed case-sensitively), in
    arrival order; -ClientContext keeps those whose body has that clientContext.
    #>
    param($Sandbox, [string] $ClientContext)
    $requests = (Invoke-SandboxAdmin -Sandbox $Sandbox -Path 'requests').value | Where-Object kind -EQ 'invite'
    foreach ($request in $requests) {
        $entry = $request | ConvertTo-Json -Depth 50 | ConvertFrom-Json -AsHashtable
        if (-not $ClientContext -or ($entry.body -is [System.Collections.IDictionary] -and $entry.body['clientContext'] -eq $ClientContext)) {
            $entry
        }
    }
}

function ConvertTo-CanonicalJson {
    <#
    .SYNOPSIS
    JSON text of a value with object keys sorted (ordinal), for comparing parsed JSON documents.
    #>
    param([AllowNull()] $InputObject)
    function Sort-Node($node) {
        if ($node -is [System.Collections.IDictionary]) {
            $sorted = [ordered]@{}
            foreach ($key in [string[]]@($node.Keys) | Sort-Object -CaseSensitive) { $sorted[$key] = Sort-Node $node[$key] }
            return $sorted
        }
        if ($node -is [pscustomobject] -and $node -isnot [string] -and $node.psobject.BaseObject -is [System.Management.Automation.PSCustomObject]) {
            $table = [ordered]@{}
            foreach ($property in $node.psobject.Properties) { $table[$property.Name] = $property.Value }
            return Sort-Node $table
        }
        if ($node -is [System.Collections.IEnumerable] -and $node -isnot [string]) {
            $items = [System.Collections.Generic.List[object]]::new()
            foreach ($item in $node) { $items.Add((Sort-Node $item)) }
            return , $items.ToArray()
        }
        $node
    }
    ConvertTo-Json -InputObject (Sort-Node $InputObject) -Depth 100 -Compress
}

Export-ModuleMember -Function Start-TestSandbox, Stop-TestSandbox, Invoke-SandboxAdmin, Get-SandboxInvite, ConvertTo-CanonicalJson
