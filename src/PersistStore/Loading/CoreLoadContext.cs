using System;
using System.IO;
using System.Reflection;
using System.Runtime.Loader;

namespace PersistStore.Loading
{
    /// <summary>The private load context for the engine on PowerShell 7 (.NET).</summary>
    internal sealed class CoreLoadContext : AssemblyLoadContext
    {
        private const string EngineAssembly = "PersistStore.Engine";
        private readonly string _folder;
        private readonly string _nativeFolder;

        private CoreLoadContext(string folder, string nativeFolder)
        {
            _folder = folder;
            _nativeFolder = nativeFolder;
        }

        public static void Register(string folder, string nativeFolder)
        {
            var context = new CoreLoadContext(folder, nativeFolder);
            // PersistStore.dll lives in the default context; its one reference into ours is the engine.
            Default.Resolving += (_, name) =>
                string.Equals(name.Name, EngineAssembly, StringComparison.Ordinal) ? context.LoadFromAssemblyName(name) : null;
        }

        protected override Assembly? Load(AssemblyName name)
        {
            string path = Path.Combine(_folder, name.Name + ".dll");
            return File.Exists(path) ? LoadFromAssemblyPath(path) : null;
        }

        protected override IntPtr LoadUnmanagedDll(string unmanagedDllName)
        {
            string path = Path.Combine(_nativeFolder, DependencyLoader.NativeFileName(unmanagedDllName));
            if (File.Exists(path)) return LoadUnmanagedDllFromPath(path);
            path = Path.Combine(_nativeFolder, unmanagedDllName);
            return File.Exists(path) ? LoadUnmanagedDllFromPath(path) : IntPtr.Zero;
        }
    }
}
