# Installing as a PowerShell user does: the in-process host compiled at first use with the
# compiler PowerShell carries (no .NET SDK), cached per PowerShell and pythonnet version; and the
# whole path of a new user on a clean machine: a fresh home, no `dotnet` on PATH, the modules
# installed with Install-PSResource from a local repository, the Python core with
# Install-MgBridgePython, then the help page's seven examples, unchanged and in-process.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $script:Root = Resolve-Path (Join-Path $PSScriptRoot '..' '..')
    $script:Python = if ($env:MGBRIDGE_PYTHON) { $env:MGBRIDGE_PYTHON } else {
        (Get-Content -LiteralPath (Join-Path $script:Root 'psmodule' 'MgBridge' 'python-path.txt') -TotalCount 1).Trim()
    }
    $script:Manifest = Get-ModuleManifestPath
}

Describe 'The in-process host, compiled at first use' {
    BeforeAll {
        $script:Cache = Join-Path $TestDrive 'cache'
        $environment = @{ XDG_CACHE_HOME = $script:Cache; MGBRIDGE_PYTHON = $script:Python; MGBRIDGE_TRANSPORT = $null }
        $facts = "Import-Module '$script:Manifest'; Get-MgBridgeRuntime -Facts | ConvertTo-Json -Compress"
        $script:First = Invoke-FreshPwsh -Environment $environment -Script $facts
        $script:FirstFacts = $script:First.Output | ConvertFrom-Json
        $script:Built = (Get-Item -LiteralPath $script:FirstFacts.host_assembly).LastWriteTimeUtc
        $script:Second = Invoke-FreshPwsh -Environment $environment -Script $facts
    }

    It 'runs in-process with a host compiled into the user cache' {
        $script:FirstFacts.transport | Should -Be 'inprocess' -Because $script:First.Errors
        $pythonnet = & $script:Python -c 'from importlib.metadata import version; print(version("pythonnet"))'
        $script:FirstFacts.host_assembly | Should -BeLike (Join-Path $script:Cache 'mgbridge' 'host' "pwsh-$($PSVersionTable.PSVersion)-pythonnet-$pythonnet-*" 'MgBridge.Host.dll')
        @(Get-ChildItem -LiteralPath (Split-Path $script:FirstFacts.host_assembly)).Name | Should -Be @('MgBridge.Host.dll')
    }

    It 'loads the cached host in the next process without compiling again' {
        $second = $script:Second.Output | ConvertFrom-Json
        $second.host_assembly | Should -Be $script:FirstFacts.host_assembly
        (Get-Item -LiteralPath $second.host_assembly).LastWriteTimeUtc | Should -Be $script:Built
    }

    It 'falls back to the process transport, saying why, when the host does not compile, and leaves nothing behind' {
        $copy = Join-Path $TestDrive 'broken' 'MgBridge'
        Copy-Item -Recurse -Path (Split-Path $script:Manifest) -Destination $copy
        Add-Content -LiteralPath (Join-Path $copy 'host' 'PythonHost.cs') -Value 'this is not C#'
        $cache = Join-Path $TestDrive 'broken-cache'
        $run = Invoke-FreshPwsh -Environment @{ XDG_CACHE_HOME = $cache; MGBRIDGE_PYTHON = $script:Python; MGBRIDGE_TRANSPORT = $null } -Script (
            "Import-Module '$(Join-Path $copy 'MgBridge.psd1')'; Get-MgBridgeRuntime -Facts 3>`$null | ConvertTo-Json -Compress")
        $facts = $run.Output | ConvertFrom-Json
        $facts.transport | Should -Be 'process'
        $facts.host_problem | Should -Match 'compiling the in-process host failed: .*error CS'
        $facts.transport_reason | Should -Match '^in-process hosting is unavailable'
        @(Get-ChildItem -LiteralPath (Join-Path $cache 'mgbridge' 'host') -Recurse -File) | Should -BeNullOrEmpty
    }
}

Describe 'A new user''s installation: Install-PSResource, no .NET SDK, a fresh home' {
    BeforeAll {
        $script:Wheelhouse = @((Join-Path $script:Root '..' 'shared' 'wheels'), $env:PIP_FIND_LINKS) |
            Where-Object { $_ -and (Test-Path -LiteralPath $_ -PathType Container) }
        if (-not $script:Wheelhouse) { return }
        $work = Join-Path $TestDrive 'new-user'
        $script:Home_ = Join-Path $work 'home'
        $wheels = Join-Path $work 'wheels'
        $script:Repository = Join-Path $work 'repository'
        $bin = Join-Path $work 'bin'
        $null = New-Item -ItemType Directory -Force -Path $script:Home_, $wheels, $bin

        # What users download: the wheel, and the modules in a PSResourceGet repository.
        & $script:Python -m pip wheel --quiet --disable-pip-version-check --no-deps --no-build-isolation -w $wheels $script:Root
        $script:Wheel = (Get-ChildItem -LiteralPath $wheels -Filter 'mgbridge-*.whl').FullName
        $script:Published = Invoke-FreshPwsh -Environment @{ HOME = $work } -Script "& '$(Join-Path $script:Root 'scripts' 'Publish-MgBridgeModule.ps1')' -Repository '$script:Repository'"

        # The system's programs, without dotnet: the .NET SDK is not on PATH.
        foreach ($folder in '/usr/local/bin', '/usr/bin', '/bin') {
            foreach ($program in [System.IO.Directory]::GetFiles($folder)) {
                $link = Join-Path $bin (Split-Path $program -Leaf)
                if ((Split-Path $program -Leaf) -ne 'dotnet' -and -not (Test-Path -LiteralPath $link)) {
                    $null = New-Item -ItemType SymbolicLink -Path $link -Target $program
                }
            }
        }
        $script:User = @{ HOME = $script:Home_; PATH = $bin; PSModulePath = $null; MGBRIDGE_PYTHON = $null; MGBRIDGE_TRANSPORT = $null
            MGBRIDGE_SANDBOX_STATE = $null; MGBRIDGE_RECORD = $null; VIRTUAL_ENV = $null; XDG_CACHE_HOME = $null; XDG_DATA_HOME = $null
            XDG_CONFIG_HOME = $null; PIP_NO_INDEX = $null; PIP_FIND_LINKS = $null; PYTHONPATH = $null }
        # The Python the user has: the interpreter this venv was made from (a shared libpython).
        $basePython = & $script:Python -c 'import sys; print(sys._base_executable)'
        $script:Installed = Invoke-FreshPwsh -Environment $script:User -Script (@(
                '$ErrorActionPreference = "Stop"'
                "Register-PSResourceRepository -Name Local -Uri '$script:Repository' -Trusted"
                'Install-PSResource -Name Microsoft.Graph.Beta.CloudCommunications -Repository Local -Scope CurrentUser'
                "Install-MgBridgePython -Python '$basePython' -Source $(($script:Wheelhouse | ForEach-Object { "'$_'" }) -join ', ') -Package '$script:Wheel' | ConvertTo-Json -Compress"
                'Get-InstalledPSResource | ForEach-Object { "installed: $($_.Name) $($_.Version)" }'
                '[bool](Get-Command dotnet -ErrorAction Ignore)'
            ) -join "`n")
        $demo = Join-Path $script:Root 'examples' 'Invoke-Demo.ps1'
        $script:Demo = Invoke-FreshPwsh -Environment $script:User -Script (
            "& '$demo' -Installed; `$code = `$LASTEXITCODE; 'RUNTIME ' + (Get-MgBridgeRuntime | ConvertTo-Json -Compress); 'CHECKS ' + (Get-MgBridgeRuntime -Check | ConvertTo-Json -Compress -AsArray); " +
            "`$doctor = & (Get-MgBridgeRuntime).Executable -m bridge doctor --pwsh '$(Join-Path $PSHOME 'pwsh')' --json; 'DOCTOR ' + `$LASTEXITCODE + ' ' + (`$doctor -join ''); exit `$code")
        $line = ($script:Demo.Output -split "`n") -match '^RUNTIME ' | Select-Object -Last 1
        $script:Runtime = if ($line) { $line.Substring(8) | ConvertFrom-Json }
        $line = ($script:Demo.Output -split "`n") -match '^CHECKS ' | Select-Object -Last 1
        $script:Checks = if ($line) { $line.Substring(7) | ConvertFrom-Json }
        $script:Doctor = ($script:Demo.Output -split "`n") -match '^DOCTOR ' | Select-Object -Last 1
    }

    BeforeEach {
        if (-not $script:Wheelhouse) { Set-ItResult -Skipped -Because 'no wheelhouse to install from: set PIP_FIND_LINKS to a folder of wheels (CI and make setup use ../shared/wheels)' }
    }

    It 'publishes MgBridge and its drop-in modules to a local repository' {
        $script:Published.ExitCode | Should -Be 0 -Because $script:Published.Errors
        (Get-ChildItem -LiteralPath $script:Repository -Filter '*.nupkg').Name | Sort-Object | Should -Be @(
            'MgBridge.0.1.0.nupkg', 'Microsoft.Graph.Authentication.2.35.0.nupkg',
            'Microsoft.Graph.Beta.CloudCommunications.2.35.0.nupkg', 'Microsoft.Graph.CloudCommunications.2.35.0.nupkg')
    }

    It 'installs the calls module with MgBridge and sign-in brought along, and the Python core, without dotnet' {
        $script:Installed.ExitCode | Should -Be 0 -Because $script:Installed.Errors
        $lines = $script:Installed.Output -split "`n"
        $lines | Should -Contain 'installed: MgBridge 0.1.0'
        $lines | Should -Contain 'installed: Microsoft.Graph.Authentication 2.35.0'
        $lines | Should -Contain 'installed: Microsoft.Graph.Beta.CloudCommunications 2.35.0'
        $lines[-2] | Should -Be 'False' -Because 'dotnet must not be on PATH'
        ($lines | Where-Object { $_ -like '{*' } | ConvertFrom-Json).Path | Should -BeLike (Join-Path $script:Home_ '.local' 'share' 'mgbridge' 'python' '*')
    }

    It 'runs the seven examples unchanged' {
        $script:Demo.ExitCode | Should -Be 0 -Because "$($script:Demo.Output)`n$($script:Demo.Errors)"
        $script:Demo.Output | Should -Match '7 of 7 examples ran'
        ([regex]::Matches($script:Demo.Output, '(?m)^\S{36} +completed ')).Count | Should -Be 7
    }

    It 'ran them in-process, with the Python Install-MgBridgePython made and a host compiled in the fresh home' {
        $script:Runtime.Transport | Should -Be 'InProcess' -Because $script:Demo.Errors
        $script:Runtime.PythonSource | Should -Be 'created by Install-MgBridgePython'
        $script:Runtime.HostAssembly | Should -BeLike (Join-Path $script:Home_ '.cache' 'mgbridge' 'host' '*' 'MgBridge.Host.dll')
        $script:Checks.Name | Should -Contain 'In-process host'
        @($script:Checks | Where-Object Status -EQ 'problem') | Should -BeNullOrEmpty
        ($script:Checks | Where-Object Name -EQ 'Drop-in modules').Status | Should -Be 'ok'
    }

    It 'passes mgbridge doctor, which finds the same in-process host' {
        $script:Doctor | Should -Match '^DOCTOR 0 '
        $checks = $script:Doctor.Substring(9) | ConvertFrom-Json
        @($checks | Where-Object status -EQ 'problem') | Should -BeNullOrEmpty
        ($checks | Where-Object name -EQ 'In-process host').detail | Should -Be $script:Runtime.HostAssembly
    }
}
