using System;
using System.IO;
using System.Reflection;
using System.Runtime.InteropServices;

namespace PersistStore.Loading
{
    /// <summary>
    /// Windows PowerShell 5.1 has one load context: assemblies resolve from lib/desktop on demand, and native SQLite
    /// is preloaded so SQLitePCLRaw's DllImport finds it already in the process. Not exercised on this Linux CI.
    /// </summary>
    internal static class DesktopResolver
    {
        public static void Register(string folder, string nativeFolder)
        {
            AppDomain.CurrentDomain.AssemblyResolve += (_, args) =>
            {
                string path = Path.Combine(folder, new AssemblyName(args.Name).Name + ".dll");
                return File.Exists(path) ? Assembly.LoadFrom(path) : null;
            };
            string sqlite = Path.Combine(nativeFolder, "e_sqlite3.dll");
            if (File.Exists(sqlite)) LoadLibrary(sqlite);
        }

        [DllImport("kernel32", CharSet = CharSet.Unicode, SetLastError = true)]
        private static extern IntPtr LoadLibrary(string path);
    }
}
