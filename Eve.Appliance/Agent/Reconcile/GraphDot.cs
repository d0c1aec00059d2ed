using System.Text;

namespace Eve.Appliance.Agent.Reconcile;

/// <summary>Writes a graph in Graphviz DOT: one node per item coloured by state (with the error or the
/// reason it waits), one edge per dependency. For <c>ctl graph</c> and files under /run.</summary>
internal static class GraphDot
{
    public static string Write(Graph graph)
    {
        var sb = new StringBuilder();
        sb.Append("digraph \"").Append(Escape(graph.Name)).AppendLine("\" {");
        sb.AppendLine("  rankdir=LR;");
        sb.AppendLine("  node [shape=box, style=filled, fontname=\"monospace\"];");
        foreach (var node in graph.Nodes)
        {
            var label = new StringBuilder(node.Ref.ToString());
            label.Append("\\n").Append(node.State.State.ToString().ToLowerInvariant());
            if (node.State.LastError != null) label.Append("\\nerror: ").Append(node.State.LastError);
            if (node.State.WaitingFor != null) label.Append("\\nwaits: ").Append(node.State.WaitingFor);
            sb.Append("  \"").Append(Escape(node.Ref.ToString())).Append("\" [label=\"").Append(Escape(label.ToString(), keepNewlines: true))
                .Append("\", fillcolor=").Append(Colour(node)).AppendLine("];");
        }
        foreach (var node in graph.Nodes)
            foreach (var dep in node.Item.Dependencies)
            {
                if (!graph.Contains(dep.Required))
                    sb.Append("  \"").Append(Escape(dep.Required.ToString())).AppendLine("\" [fillcolor=grey, style=\"filled,dashed\"];");
                sb.Append("  \"").Append(Escape(node.Ref.ToString())).Append("\" -> \"").Append(Escape(dep.Required.ToString()))
                    .Append("\" [label=\"").Append(Escape(dep.Why)).AppendLine("\"];");
            }
        sb.AppendLine("}");
        return sb.ToString();
    }

    private static string Colour(GraphNode node) => node.Item.External ? "lightblue" : node.State.State switch
    {
        ItemStateKind.Created => "palegreen",
        ItemStateKind.Failure => "salmon",
        ItemStateKind.Pending => "khaki",
        ItemStateKind.Creating or ItemStateKind.Modifying or ItemStateKind.Deleting => "lightyellow",
        _ => "white",
    };

    private static string Escape(string s, bool keepNewlines = false)
    {
        var escaped = s.Replace("\\", "\\\\").Replace("\"", "\\\"");
        return keepNewlines ? escaped.Replace("\\\\n", "\\n") : escaped;
    }
}
