using System.Management.Automation;
using PersistStore.Engine.Stores;
using PersistStore.Infrastructure;

namespace PersistStore.Commands
{
    /// <summary>Location, backend, format version, counts and sizes of the store in use.</summary>
    [Cmdlet(VerbsCommon.Get, "PersistStore")]
    [OutputType(typeof(StoreInfo))]
    public sealed class GetPersistStoreCommand : StoreCmdlet
    {
        protected override void EndProcessing()
        {
            var (backend, resolved) = OpenStore(createIfMissing: false);
            ForItem(resolved.Location.Display, () =>
                WriteObject(OutputObjects.ToStoreInfo(new StoreService(backend).Summarize(Cancellation), resolved)));
        }
    }
}
