using System;
using System.IO;
using System.Runtime.InteropServices;

namespace PersistStore.Loading
{
    /// <summary>
    /// The engine and its third-party dependencies ship in lib/core (PowerShell 7) and lib/desktop (Windows
    /// PowerShell 5.1), out of PowerShell's probing path, so another module's Microsoft.Data.Sqlite, SQLitePCLRaw or
    /// K4os version in the same session neither breaks nor is broken by ours. Native SQLite is loaded from
    /// runtimes/&lt;rid&gt;/native, which PowerShell never probes.
    /// </summary>
    internal static class DependencyLoader
    {
        private static readonly object Gate = new object();
        private static bool _registered;

        public static string ModuleFolder { get; } = Path.GetDirectoryName(typeof(DependencyLoader).Assembly.Location)!;

        public static void EnsureRegistered()
        {
            lock (Gate)
            {
                if (_registered) return;
                if (IsCoreClr) RegisterCore();
                else DesktopResolver.Register(Path.Combine(ModuleFolder, "lib", "desktop"), NativeFolder());
                _registered = true;
            }
        }

        // Kept out of EnsureRegistered so Windows PowerShell never JIT-compiles a reference to AssemblyLoadContext.
        private static void RegisterCore() => CoreLoadContext.Register(Path.Combine(ModuleFolder, "lib", "core"), NativeFolder());

        private static bool IsCoreClr =>
            !RuntimeInformation.FrameworkDescription.StartsWith(".NET Framework", StringComparison.OrdinalIgnoreCase);

        public static string NativeFolder() => Path.Combine(ModuleFolder, "runtimes", RuntimeId(), "native");

        public static string RuntimeId()
        {
            string os = RuntimeInformation.IsOSPlatform(OSPlatform.Windows) ? "win"
                : RuntimeInformation.IsOSPlatform(OSPlatform.OSX) ? "osx" : "linux";
            string arch = RuntimeInformation.ProcessArchitecture switch
            {
                Architecture.Arm64 => "arm64",
                Architecture.X86 => "x86",
                Architecture.Arm => "arm",
                _ => "x64",
            };
            return os + "-" + arch;
        }

        public static string NativeFileName(string libraryName) =>
            RuntimeInformation.IsOSPlatform(OSPlatform.Windows) ? libraryName + ".dll"
            : RuntimeInformation.IsOSPlatform(OSPlatform.OSX) ? "lib" + libraryName + ".dylib"
            : "lib" + libraryName + ".so";
    }
}
