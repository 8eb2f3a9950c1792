#if NETSTANDARD2_0
namespace System.Runtime.CompilerServices
{
    // Lets netstandard2.0 compile init-only setters and records.
    internal static class IsExternalInit { }
}
#endif
