function InvokeBridgeLogged {
    <#
    .SYNOPSIS
    InvokeBridge, with the core's log for this call on the caller's streams: with -Debug the HTTP
    exchange (secrets redacted by the core) on the debug stream, with -Verbose retries and
    sign-in steps on the verbose stream, and the core's warnings as warnings.
    #>
    [CmdletBinding()]
    [OutputType([pscustomobject])]
    param(
        # The core operation.
        [Parameter(Mandatory)]
        [string] $Operation,

        # Its arguments; "log" is added when the caller's preferences ask for it.
        [System.Collections.IDictionary] $Arguments = [ordered]@{}
    )

    # The public command's -Debug / -Verbose set these preferences in its scope, seen here.
    if ($DebugPreference -notin 'SilentlyContinue', 'Ignore') { $Arguments['log'] = 'debug' }
    elseif ($VerbosePreference -notin 'SilentlyContinue', 'Ignore') { $Arguments['log'] = 'verbose' }
    $reply = InvokeBridge -Operation $Operation -Arguments $Arguments
    foreach ($line in $reply.log) {
        switch ($line.level) {
            'debug' { Write-Debug -Message $line.message }
            'warning' { Write-Warning -Message $line.message }
            default { Write-Verbose -Message $line.message }
        }
    }
    $reply
}
