using System.IO;
using System.Management.Automation;
using PersistStore.Completion;
using PersistStore.Engine.Checkpoints;
using PersistStore.Infrastructure;

namespace PersistStore.Commands
{
    /// <summary>Materialises a checkpoint into an empty or new folder (the run's own directory is not touched).</summary>
    [Cmdlet(VerbsData.Export, "Checkpoint", SupportsShouldProcess = true)]
    [OutputType(typeof(DirectoryInfo))]
    public sealed class ExportCheckpointCommand : CheckpointCmdlet
    {
        /// <summary>A checkpoint number within -Run, or a Checkpoint object; the latest when omitted.</summary>
        [Parameter(Position = 1, ValueFromPipeline = true)]
        [ArgumentCompleter(typeof(CheckpointNumberCompleter))]
        public CheckpointIdentity? Checkpoint { get; set; }

        [Parameter(Mandatory = true, Position = 2)]
        [ValidateNotNullOrEmpty]
        public string Destination { get; set; } = "";

        protected override void ProcessRecord()
        {
            string destination = FullPath(Destination);
            ForItem(destination, () =>
            {
                var (backend, _, run) = Resolve(Checkpoint);
                var checkpoint = new CheckpointService(backend, Caller).Get(run, Checkpoint?.Number, Cancellation);
                if (!ShouldProcess(destination, $"Export checkpoint {checkpoint.Number} of run '{checkpoint.RunName}' ({checkpoint.Files} files, {checkpoint.LogicalBytes} bytes)")) return;
                var pump = new PipelinePump(3, $"Exporting checkpoint {checkpoint.Number} of '{checkpoint.RunName}'");
                var restore = new RestoreService(backend, Caller);
                long bytes = pump.Run(this, () => restore.Export(checkpoint, destination, Cancellation));
                WriteVerbose($"Exported {checkpoint.Files} files, {bytes} bytes, to {destination}.");
                WriteObject(new DirectoryInfo(destination));
            });
        }
    }
}
