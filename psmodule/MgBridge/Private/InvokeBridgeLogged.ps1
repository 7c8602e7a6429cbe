function InvokeBridgeLogged {
    <#
    .SYNOPSIS
    InvokeBridge, with the core's log for this call on the caller's streams: with -Debug the HTTP
    exchange (secrets redacted by the core) on the debug stream, with -Verbose retries and
    sign-in steps on the verbose stream, and the core's warnings as warnings.
    #>
    [OutputType([pscustomobject])]
    param(
        # The core operation.
        [string] $Operation,

        # Its arguments; "log" is added when the caller's preferences ask for it.
        [System.Collections.IDictionary] $Arguments = [ordered]@{}
    )

    InvokeBridge $Operation $Arguments -Log
}
