using System;
using System.Collections.Generic;
using System.Reflection;
using System.Threading;
using System.Threading.Tasks;
using Python.Runtime;

namespace MgBridge.Host
{
    /// <summary>
    /// Hosts CPython inside the PowerShell process. Python is started once per process, under a
    /// lock, and never shut down (CPython cannot be restarted reliably; at exit only its atexit
    /// functions run). Every call takes the GIL on
    /// the thread that runs it and releases it there, so no GIL handle or Python object ever reaches
    /// PowerShell script code: requests go in as JSON text and replies come back as JSON text.
    /// </summary>
    public static class PythonHost
    {
        private static readonly object StartLock = new object();
        private static PyObject? dispatch;

        /// <summary>True once Python runs in this process.</summary>
        public static bool IsStarted => dispatch != null;

        /// <summary>
        /// Starts CPython from the given libpython, as the interpreter at programName (whose
        /// pyvenv.cfg, if any, selects the venv), and imports the dispatcher. Later calls return at once.
        /// </summary>
        public static void Start(string pythonDll, string programName, string entryModule)
        {
            lock (StartLock)
            {
                if (dispatch != null) return;
                Runtime.PythonDLL = pythonDll;
                // PythonHome and PythonPath would override venv detection, so they are never set.
                PythonEngine.ProgramName = programName;
                PythonEngine.Initialize(setSysArgv: false, initSigs: false);
                try
                {
                    using (PyObject module = Py.Import(entryModule))
                    {
                        dispatch = module.GetAttr("dispatch");
                    }
                }
                finally
                {
                    // Initialize leaves this thread holding the GIL; releasing it exactly once lets
                    // any thread (runspaces, thread jobs) take it later.
                    PythonEngine.BeginAllowThreads();
                }
                ReplaceExitHandler();
            }
        }

        /// <summary>
        /// pythonnet shuts the engine down when the process exits (PythonEngine.OnProcessExit):
        /// CPython's finalization plus rounds of .NET and Python garbage collection, about 0.5 s
        /// added to the end of every pwsh that made a call (bench/run.py, "first result"). The
        /// process is ending, so only Python's atexit functions are run (logging flushes its
        /// handlers there); the operating system frees the rest.
        /// </summary>
        private static void ReplaceExitHandler()
        {
            MethodInfo? full = typeof(PythonEngine).GetMethod(
                "OnProcessExit", BindingFlags.NonPublic | BindingFlags.Static);
            if (full == null) return; // another pythonnet: keep its own behaviour
            AppDomain.CurrentDomain.ProcessExit -=
                (EventHandler)Delegate.CreateDelegate(typeof(EventHandler), full);
            AppDomain.CurrentDomain.ProcessExit += RunAtExit;
        }

        private static void RunAtExit(object? sender, EventArgs e)
        {
            // On another thread, bounded: a call still running holds the GIL.
            Task atexit = Task.Run(() =>
            {
                using (Py.GIL())
                using (PyObject module = Py.Import("atexit"))
                using (module.InvokeMethod("_run_exitfuncs")) { }
            });
            try { atexit.Wait(2000); } catch (AggregateException) { }
        }

        /// <summary>
        /// Starts one request on a worker thread, so that the caller can wait in slices and stay
        /// responsive to Ctrl+C (see <see cref="PendingCall.Cancel"/>).
        /// </summary>
        public static PendingCall Begin(string requestJson)
        {
            PyObject fn = dispatch ?? throw new InvalidOperationException("Python is not started in this process.");
            var pending = new PendingCall();
            CallWorkers.Run(() => pending.Run(fn, requestJson));
            return pending;
        }
    }

    /// <summary>
    /// The threads that run calls. A call can wait seconds (retries, slow answers), so calls do
    /// not borrow the .NET thread pool, which adds threads slowly and would make waiting
    /// runspaces queue; starting a thread per call instead costs more than a small call itself.
    /// A call wakes an idle worker or starts one, so there are never more workers than calls
    /// that ran at once; a worker idle for a while ends.
    /// </summary>
    internal static class CallWorkers
    {
        private static readonly TimeSpan IdleTimeout = TimeSpan.FromSeconds(5);
        private static readonly object Gate = new object();
        private static readonly Queue<Action> Work = new Queue<Action>();
        private static int idle;

        internal static void Run(Action call)
        {
            bool start;
            lock (Gate)
            {
                Work.Enqueue(call);
                // A woken worker counts as idle until it runs, so calls beyond the idle workers
                // get workers of their own instead of queueing behind a long call.
                start = Work.Count > idle;
                if (!start) Monitor.Pulse(Gate);
            }
            if (start) new Thread(Serve) { IsBackground = true, Name = "MgBridge call" }.Start();
        }

        private static void Serve()
        {
            while (true)
            {
                Action next;
                lock (Gate)
                {
                    while (Work.Count == 0)
                    {
                        idle++;
                        bool woken = Monitor.Wait(Gate, IdleTimeout);
                        idle--;
                        if (!woken && Work.Count == 0) return;
                    }
                    next = Work.Dequeue();
                }
                next();
            }
        }
    }

    /// <summary>A request running on a worker thread.</summary>
    public sealed class PendingCall
    {
        // Both fields change only while the worker holds the GIL, and Cancel reads them under the
        // GIL, so an interrupt can only reach the thread state of this very call.
        private ulong pythonThreadId;
        private bool running;

        // The caller waits in slices; a spin-free wait leaves the CPU to the call itself (a
        // spinning wait would compete with it, and with other runspaces' calls).
        private readonly ManualResetEventSlim done = new ManualResetEventSlim(false, 0);
        private string? reply;
        private Exception? failure;

        internal void Run(PyObject fn, string requestJson)
        {
            try
            {
                using (Py.GIL())
                {
                    pythonThreadId = PythonEngine.GetPythonThreadID();
                    running = true;
                    try
                    {
                        using (var arg = new PyString(requestJson))
                        using (PyObject result = fn.Invoke(arg))
                        {
                            reply = result.As<string>();
                        }
                    }
                    finally
                    {
                        running = false;
                    }
                }
            }
            catch (Exception exception)
            {
                failure = exception;
            }
            done.Set();
        }

        /// <summary>Waits up to the given time; true when the reply is ready.</summary>
        public bool Wait(int milliseconds) => done.Wait(milliseconds);

        /// <summary>The JSON reply; blocks until it is ready.</summary>
        public string Reply
        {
            get
            {
                done.Wait();
                if (failure != null) throw new InvalidOperationException("The Python call failed.", failure);
                return reply!;
            }
        }

        /// <summary>
        /// Abandons the call: raises KeyboardInterrupt in its Python thread, which takes effect as
        /// soon as Python code runs again (blocking I/O ends by its own timeout). The reply is dropped.
        /// </summary>
        public void Cancel()
        {
            using (Py.GIL())
            {
                if (running) PythonEngine.Interrupt(pythonThreadId);
            }
        }
    }
}
