using Eve.Appliance.Api;
using Google.Protobuf;

namespace Eve.Appliance.Cli;

/// <summary>`eve-appliance proto decode|encode`: turn captures into canonical JSON and back.</summary>
internal static class ProtoCommand
{
    public static ExitCode Run(Args args, TextWriter stdout)
    {
        var verb = args.Word(1, "proto verb (decode or encode)");
        var type = ProtoRegistry.Find(args.Require("type"));
        switch (verb)
        {
            case "decode":
            {
                var file = args.Word(2, "FILE to decode");
                _ = args.Flag("json"); // canonical JSON is the only output form
                args.EnsureAllUsed();
                IMessage message;
                try
                {
                    message = type.Parser.ParseFrom(File.ReadAllBytes(file));
                }
                catch (InvalidProtocolBufferException e)
                {
                    throw new InvalidDataException($"{file} is not a valid {type.FullName}: {e.Message}");
                }
                stdout.WriteLine(ProtoRegistry.CanonicalJson.Format(message));
                return ExitCode.Ok;
            }
            case "encode":
            {
                var file = args.Word(2, "FILE.json to encode");
                var output = args.Require("out");
                args.EnsureAllUsed();
                IMessage message;
                try
                {
                    message = ProtoRegistry.CanonicalJsonParser.Parse(File.ReadAllText(file), type);
                }
                catch (Exception e) when (e is InvalidProtocolBufferException or InvalidJsonException or FormatException)
                {
                    throw new InvalidDataException($"{file} is not canonical JSON of {type.FullName}: {e.Message}");
                }
                File.WriteAllBytes(output, message.ToByteArray());
                stdout.WriteLine($"wrote {new FileInfo(output).Length} bytes of {type.FullName} to {output}");
                return ExitCode.Ok;
            }
            default:
                throw new UsageException($"unknown proto verb '{verb}' (known: decode, encode)");
        }
    }
}
