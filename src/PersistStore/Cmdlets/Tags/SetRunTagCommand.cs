using System.Management.Automation;
using PersistStore.Completion;
using PersistStore.Engine.Naming;
using PersistStore.Engine.Runs;
using PersistStore.Infrastructure;

namespace PersistStore.Commands
{
    /// <summary>Replaces a run's tags, or appends to them with -Append (order kept, case-insensitive duplicates dropped).</summary>
    [Cmdlet(VerbsCommon.Set, "RunTag", SupportsShouldProcess = true)]
    [OutputType(typeof(Run))]
    public sealed class SetRunTagCommand : StoreCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("RunName", "Name")]
        [ArgumentCompleter(typeof(RunNameCompleter))]
        public RunIdentity Run { get; set; } = null!;

        [Parameter(Mandatory = true, Position = 1)]
        [AllowEmptyCollection]
        [ArgumentCompleter(typeof(TagCompleter))]
        public string[] Tag { get; set; } = new string[0];

        [Parameter]
        public SwitchParameter Append { get; set; }

        [Parameter]
        public SwitchParameter PassThru { get; set; }

        protected override void ProcessRecord()
        {
            ForItem(Run, () =>
            {
                TagList.Normalize(Tag);   // bad tags fail before the store is opened
                var (backend, resolved) = OpenStore(createIfMissing: false, Run);
                var service = new RunService(backend);
                string action = Append ? $"Append tags [{string.Join(", ", Tag)}]" : $"Replace tags with [{string.Join(", ", Tag)}]";
                if (!ShouldProcess($"run '{Run}'", action))
                {
                    service.Get(ToRunRef(Run), Cancellation);
                    return;
                }
                var run = service.SetTags(ToRunRef(Run), Tag, Append, Cancellation);
                if (PassThru) WriteObject(OutputObjects.ToRun(run, resolved.Location));
            });
        }
    }
}
