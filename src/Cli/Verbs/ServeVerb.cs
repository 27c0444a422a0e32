using System.CommandLine;
using BioEval.Models;
using BioEval.Models.Onnx;
using BioEval.Server;

namespace BioEval.Cli.Verbs;

/// <summary><c>bioeval serve</c>: one model folder behind the OpenAI API, on loopback by default, until Ctrl+C.</summary>
internal static class ServeVerb
{
    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "Model folder (an ONNX export or a make-tiny folder) with its tokenizer files.", Required = true };
        var port = new Option<int>("--port") { Description = "Port to listen on (0: any free one).", DefaultValueFactory = _ => 8000 };
        var host = new Option<string>("--host") { Description = "Address to listen on.", DefaultValueFactory = _ => "127.0.0.1" };
        var name = new Option<string?>("--name") { Description = "Served model name (default: the folder's name)." };
        var queue = new Option<int>("--max-queue") { Description = "Requests accepted at once; more get HTTP 429.", DefaultValueFactory = _ => 256 };
        var command = new Command("serve", "Serve a model folder on the OpenAI API (/v1/models, /v1/chat/completions, /tokenize) with BioEval's engine.")
        {
            model, port, host, name, queue,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var dir = Path.GetFullPath(parse.GetValue(model)!);
            var p = parse.GetValue(port);
            var q = parse.GetValue(queue);
            if (p is < 0 or > 65535 || q < 1)
            {
                Console.Error.WriteLine($"bioeval serve: --port must be 0 to 65535 and --max-queue at least 1, got {p} and {q}.");
                return ExitCodes.BadInput;
            }
            ModelFolder.Require(dir);
            var served = parse.GetValue(name) ?? Path.GetFileName(dir.TrimEnd(Path.DirectorySeparatorChar));
            using var engine = new OnnxChatClient(served, dir);
            await using var server = await ServeHost.StartAsync(engine, new ServeOptions(served, parse.GetValue(host)!, p, q, Console.Error), cancellationToken);
            Console.Out.WriteLine($"serving {served} at {server.ApiBase} (Ctrl+C to stop)");
            Console.Out.Flush();
            await server.WaitAsync(cancellationToken);
            return ExitCodes.Success;
        });
        return command;
    }
}
