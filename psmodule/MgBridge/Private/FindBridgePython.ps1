function FindBridgePython {
    <#
    .SYNOPSIS
    Finds the Python that has mgbridge installed and reports what hosting it needs.
    .DESCRIPTION
    Candidates, first match wins: $env:MGBRIDGE_PYTHON; the interpreter recorded beside the module
    at install time (python-path.txt); python3 and python on PATH. The chosen interpreter runs
    `-m bridge._hostinfo` once, unless it is the recorded one and the install saved its report
    (bin/hostinfo.json); the report is cached for the whole process (all runspaces), since
    Python can only be hosted once per process anyway.
    #>
    [CmdletBinding()]
    [OutputType([pscustomobject])]
    param()

    $cached = [AppDomain]::CurrentDomain.GetData('MgBridge.HostInfo')
    if ($cached) { return $cached }

    # The report `mgbridge psmodule-path --install` saved for the interpreter it recorded, while
    # that interpreter and the files the report names exist: asking again means starting Python,
    # about 0.25 s of the first call in a new pwsh.
    $recorded = Join-Path $PSScriptRoot '..' 'python-path.txt'
    $saved = Join-Path $PSScriptRoot '..' 'bin' 'hostinfo.json'
    if (-not $env:MGBRIDGE_PYTHON -and (Test-Path -LiteralPath $recorded) -and (Test-Path -LiteralPath $saved)) {
        $info = try { Get-Content -LiteralPath $saved -Raw | ConvertFrom-Json } catch { $null }
        $python = (Get-Content -LiteralPath $recorded -TotalCount 1).Trim()
        if ($info -and $info.executable -eq $python -and (Test-Path -LiteralPath $python -PathType Leaf) -and
            (-not $info.libpython -or (Test-Path -LiteralPath $info.libpython -PathType Leaf)) -and
            (-not $info.pythonnet_runtime -or (Test-Path -LiteralPath $info.pythonnet_runtime -PathType Leaf))) {
            [AppDomain]::CurrentDomain.SetData('MgBridge.HostInfo', $info)
            return $info
        }
    }

    $candidates = [Collections.Generic.List[string]]::new()
    if ($env:MGBRIDGE_PYTHON) { $candidates.Add($env:MGBRIDGE_PYTHON) }
    if (-not $env:MGBRIDGE_PYTHON -and (Test-Path -LiteralPath $recorded)) {
        $candidates.Add((Get-Content -LiteralPath $recorded -TotalCount 1).Trim())
    }
    if (-not $env:MGBRIDGE_PYTHON) {
        foreach ($name in 'python3', 'python') {
            $command = Get-Command -Name $name -CommandType Application -ErrorAction Ignore | Select-Object -First 1
            if ($command) { $candidates.Add($command.Source) }
        }
    }

    $tried = foreach ($python in $candidates) {
        if (-not (Test-Path -LiteralPath $python -PathType Leaf)) { "$python (not found)"; continue }
        $output = & $python -m bridge._hostinfo 2>$null
        if ($LASTEXITCODE -eq 0 -and $output) {
            $info = $output | Select-Object -Last 1 | ConvertFrom-Json
            [AppDomain]::CurrentDomain.SetData('MgBridge.HostInfo', $info)
            return $info
        }
        "$python (cannot import bridge)"
    }
    $where = if ($tried) { 'Tried: ' + ($tried -join '; ') + '.' } else { 'No python3 or python is on PATH.' }
    throw [System.IO.FileNotFoundException]::new(
        "No Python with mgbridge installed was found. $where Install it (pip install mgbridge) and " +
        'set $env:MGBRIDGE_PYTHON to that interpreter, or run `mgbridge psmodule-path --install`.')
}
