using System;
using System.Management.Automation;
using PersistStore.Completion;
using PersistStore.Engine.Model;
using PersistStore.Engine.Runs;

namespace PersistStore.Infrastructure
{
    /// <summary>A cmdlet about one run per pipeline item: the mandatory -Run every such cmdlet binds the same way.</summary>
    public abstract class RunParameterCmdlet : StoreCmdlet
    {
        /// <summary>The run: a name, an id, or a Run object.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("RunName", "Name")]
        [ArgumentCompleter(typeof(RunNameCompleter))]
        public RunIdentity Run { get; set; } = null!;
    }

    /// <summary>A cmdlet that changes one run per pipeline item: -PassThru and the ShouldProcess sequence.</summary>
    public abstract class RunCmdlet : RunParameterCmdlet
    {
        [Parameter]
        public SwitchParameter PassThru { get; set; }

        /// <summary>
        /// Validates first (bad input never opens the store), then asks ShouldProcess; under -WhatIf an unknown run
        /// is still reported, so a dry run finds the same mistakes as the real one.
        /// </summary>
        private protected void ChangeRun(string action, Action validate, Func<RunService, RunRef, RunRecord> change)
        {
            ForItem(Run, () =>
            {
                validate();
                var (backend, resolved) = OpenStore(createIfMissing: false, Run);
                var service = new RunService(backend, Caller);
                var runRef = ToRunRef(Run);
                if (!ShouldProcess($"run '{Run}' in {resolved.Location.Display}", action))
                {
                    service.Get(runRef, Cancellation);
                    return;
                }
                var changed = change(service, runRef);
                if (PassThru) WriteObject(OutputObjects.ToRun(changed, resolved.Location));
            });
        }
    }
}
