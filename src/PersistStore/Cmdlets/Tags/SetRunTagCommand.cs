using System.Management.Automation;
using PersistStore.Completion;
using PersistStore.Engine.Naming;
using PersistStore.Infrastructure;

namespace PersistStore.Commands
{
    /// <summary>Replaces a run's tags, or appends to them with -Append (order kept, case-insensitive duplicates dropped).</summary>
    [Cmdlet(VerbsCommon.Set, "RunTag", SupportsShouldProcess = true)]
    [OutputType(typeof(Run))]
    public sealed class SetRunTagCommand : RunCmdlet
    {
        // By property name too, so a CSV of Run,Tag rows pipes straight in (Import-Csv tags.csv | Set-RunTag -Append).
        [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
        [AllowEmptyCollection]
        [ArgumentCompleter(typeof(TagCompleter))]
        public string[] Tag { get; set; } = new string[0];

        [Parameter]
        public SwitchParameter Append { get; set; }

        protected override void ProcessRecord() =>
            ChangeRun((Append ? "Append tags [" : "Replace tags with [") + string.Join(", ", Tag) + "]",
                () => TagList.Normalize(Tag),
                (runs, run) => runs.SetTags(run, Tag, Append, Cancellation));
    }
}
