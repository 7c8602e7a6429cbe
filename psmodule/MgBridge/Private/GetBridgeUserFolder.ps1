function GetBridgeUserFolder {
    <#
    .SYNOPSIS
    The per-user folder where mgbridge keeps its cache or its data, by each platform's convention.
    .DESCRIPTION
    Cache (compiled hosts, the found Python's report): %LOCALAPPDATA%\mgbridge\Cache on Windows,
    ~/Library/Caches/mgbridge on macOS, $XDG_CACHE_HOME/mgbridge (~/.cache/mgbridge) elsewhere.
    Data (the Python that Install-MgBridgePython creates): %LOCALAPPDATA%\mgbridge,
    ~/Library/Application Support/mgbridge, $XDG_DATA_HOME/mgbridge (~/.local/share/mgbridge).
    Platform and environment can be given, so the rules are tested for every platform here.
    #>
    [OutputType([string])]
    # Plain parameters (no validation attributes): this runs in the first call of every process.
    param(
        # 'Cache' or 'Data'.
        [string] $Kind,

        # 'Windows', 'MacOS' or 'Linux'.
        [string] $Platform = $(if ($IsWindows) { 'Windows' } elseif ($IsMacOS) { 'MacOS' } else { 'Linux' }),

        # Variables to read instead of the process environment (HOME, LOCALAPPDATA, XDG_*).
        [System.Collections.IDictionary] $Environment
    )

    $read = if ($Environment) { { param($name) $Environment[$name] } } else { { param($name) [Environment]::GetEnvironmentVariable($name) } }
    $homeFolder = if ($Platform -eq 'Windows') { & $read 'USERPROFILE' } else { & $read 'HOME' }
    if (-not $homeFolder -and -not $Environment) { $homeFolder = [Environment]::GetFolderPath('UserProfile') }
    switch ($Platform) {
        'Windows' {
            $base = & $read 'LOCALAPPDATA'
            if (-not $base) { $base = [System.IO.Path]::Combine($homeFolder, 'AppData', 'Local') }
            if ($Kind -eq 'Cache') { [System.IO.Path]::Combine($base, 'mgbridge', 'Cache') } else { [System.IO.Path]::Combine($base, 'mgbridge') }
        }
        'MacOS' {
            if ($Kind -eq 'Cache') { [System.IO.Path]::Combine($homeFolder, 'Library', 'Caches', 'mgbridge') }
            else { [System.IO.Path]::Combine($homeFolder, 'Library', 'Application Support', 'mgbridge') }
        }
        default {
            $base = & $read $(if ($Kind -eq 'Cache') { 'XDG_CACHE_HOME' } else { 'XDG_DATA_HOME' })
            if (-not $base) { $base = if ($Kind -eq 'Cache') { [System.IO.Path]::Combine($homeFolder, '.cache') } else { [System.IO.Path]::Combine($homeFolder, '.local', 'share') } }
            [System.IO.Path]::Combine($base, 'mgbridge')
        }
    }
}
