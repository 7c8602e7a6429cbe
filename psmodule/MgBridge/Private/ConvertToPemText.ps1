function ConvertToPemText {
    <#
    .SYNOPSIS
    The PEM text of a certificate and its private key (PKCS#8), which the core signs in with.
    The text holds a secret: it is only ever passed to the core.
    #>
    [CmdletBinding()]
    [OutputType([string])]
    param(
        [Parameter(Mandatory)]
        [System.Security.Cryptography.X509Certificates.X509Certificate2] $Certificate
    )

    if (-not $Certificate.HasPrivateKey) {
        throw [System.ArgumentException]::new("The certificate $($Certificate.Thumbprint) has no private key; sign-in needs it.")
    }
    # Extension methods, so called through their static classes.
    $key = [System.Security.Cryptography.X509Certificates.RSACertificateExtensions]::GetRSAPrivateKey($Certificate)
    if (-not $key) { $key = [System.Security.Cryptography.X509Certificates.ECDsaCertificateExtensions]::GetECDsaPrivateKey($Certificate) }
    if (-not $key) {
        throw [System.ArgumentException]::new("The private key of certificate $($Certificate.Thumbprint) is neither RSA nor ECDSA.")
    }
    try {
        $keyPem = $key.ExportPkcs8PrivateKeyPem()
    } catch [System.Security.Cryptography.CryptographicException] {
        throw [System.ArgumentException]::new(
            "The private key of certificate $($Certificate.Thumbprint) cannot be exported ($($_.Exception.Message)); " +
            'import the certificate with an exportable key (X509KeyStorageFlags.Exportable).')
    } finally {
        $key.Dispose()
    }
    $Certificate.ExportCertificatePem() + "`n" + $keyPem
}
