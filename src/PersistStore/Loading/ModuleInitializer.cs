using System.Management.Automation;

namespace PersistStore.Loading
{
    /// <summary>Runs at Import-Module, before any cmdlet touches the engine.</summary>
    public sealed class ModuleInitializer : IModuleAssemblyInitializer
    {
        public void OnImport() => DependencyLoader.EnsureRegistered();
    }
}
