function FindBridgePython {
    <#
    .SYNOPSIS
    Finds the Python that has mgbridge installed and reports what hosting it needs.
    .DESCRIPTION
    Tries the candidates of GetBridgePythonCandidates in order; the first that imports mgbridge
    wins. Its report (`python -m bridge._hostinfo`: libpython, pythonnet, versions) is taken from
    a saved copy while the files it names exist: the one `mgbridge psmodule-path --install` wrote
    beside the module, or the one saved in the user's cache the last time a search found it; so a
    new pwsh usually starts no Python to ask. The report is kept for the whole process (all
    runspaces), since Python can only be hosted once per process anyway. When none has mgbridge,
    the error lists what was tried and the one command that installs it.
    #>
    [CmdletBinding()]
    [OutputType([pscustomobject])]
    param()

    $cached = [AppDomain]::CurrentDomain.GetData('MgBridge.HostInfo')
    if ($cached) { return $cached }

    # A saved report answers for an interpreter while the files it names exist.
    $usable = {
        $entry, $python = $args
        $entry.executable -eq $python -and
        (-not $entry.libpython -or [System.IO.File]::Exists($entry.libpython)) -and
        (-not $entry.pythonnet_runtime -or [System.IO.File]::Exists($entry.pythonnet_runtime)) -and
        (-not $entry.bridge_path -or [System.IO.Directory]::Exists($entry.bridge_path))
    }
    $moduleFolder = [System.IO.Path]::GetDirectoryName($PSScriptRoot)
    $recorded = [System.IO.Path]::Combine($moduleFolder, 'python-path.txt')
    $besideModule = [System.IO.Path]::Combine($moduleFolder, 'bin', 'hostinfo.json')
    $saved = @(if ([System.IO.File]::Exists($besideModule)) { try { [System.IO.File]::ReadAllText($besideModule) | ConvertFrom-Json } catch { } })
    # Without $env:MGBRIDGE_PYTHON or an active environment, the recorded interpreter is the first
    # candidate: its saved report answers without a search (a checkout, or pip install + --install).
    if (-not ($env:MGBRIDGE_PYTHON -or $env:VIRTUAL_ENV -or $env:CONDA_PREFIX) -and $saved -and [System.IO.File]::Exists($recorded) -and
        (& $usable $saved[0] ([System.IO.File]::ReadAllLines($recorded)[0].Trim()))) {
        $saved[0].psobject.Properties.Add([psnoteproperty]::new('python_source', 'recorded beside the module (mgbridge psmodule-path --install)'))
        [AppDomain]::CurrentDomain.SetData('MgBridge.HostInfo', $saved[0])
        return $saved[0]
    }
    $cacheFile = [System.IO.Path]::Combine((GetBridgeUserFolder -Kind Cache), 'hostinfo.json')
    if ([System.IO.File]::Exists($cacheFile)) { try { $saved += [System.IO.File]::ReadAllText($cacheFile) | ConvertFrom-Json } catch { } }
    $tried = [System.Collections.ArrayList]::new()
    $pythons = [System.Collections.ArrayList]::new()
    # Select-Object -First 1 stops the candidates' search at the first Python that has mgbridge.
    $info = GetBridgePythonCandidates | ForEach-Object {
        $candidate = $_
        if (-not [System.IO.File]::Exists($candidate.Path)) { $null = $tried.Add("$($candidate.Path) (not found)"); return }
        $report = if (-not $candidate.Arguments) { foreach ($entry in $saved) { if (& $usable $entry $candidate.Path) { $entry; break } } }
        if (-not $report) {
            # -P: not the current folder's `bridge`, if it has one, but the installed package.
            $output = & $candidate.Path @($candidate.Arguments) -P -m bridge._hostinfo 2>$null
            if ($LASTEXITCODE -eq 0 -and $output) {
                $text = $output | Select-Object -Last 1
                $report = $text | ConvertFrom-Json
                # For the next pwsh; a cache that cannot be written only costs that pwsh a search.
                try {
                    $null = [System.IO.Directory]::CreateDirectory([System.IO.Path]::GetDirectoryName($cacheFile))
                    [System.IO.File]::WriteAllText($cacheFile, $text)
                } catch { }
            }
        }
        if ($report) {
            $report.psobject.Properties.Add([psnoteproperty]::new('python_source', $candidate.Source))
            return $report
        }
        if ($candidate.Source -ne 'created by Install-MgBridgePython') { $null = $pythons.Add("$($candidate.Path) $($candidate.Arguments)".TrimEnd()) }
        $null = $tried.Add("$($candidate.Path) (cannot import bridge)")
    } | Select-Object -First 1
    if ($info) {
        [AppDomain]::CurrentDomain.SetData('MgBridge.HostInfo', $info)
        return $info
    }
    $where = if ($tried.Count) { 'Tried: ' + ($tried -join '; ') + '.' } else { 'No Python was found at all.' }
    $install = if ($pythons.Count) {
        "Install it with one command: Install-MgBridgePython (a venv of mgbridge's own, made with $($pythons[0])), " +
        'or install mgbridge into the Python you use (python -m pip install mgbridge) and set $env:MGBRIDGE_PYTHON to it.'
    } else {
        $getPython = if ($IsWindows) { 'winget install Python.Python.3.12' } elseif ($IsMacOS) { 'brew install python@3.12' } else { 'sudo apt-get install python3 python3-venv libpython3-dev' }
        "Install Python 3.11 or newer ($getPython), then run Install-MgBridgePython."
    }
    throw [System.IO.FileNotFoundException]::new("No Python with mgbridge installed was found. $where $install")
}
