"""What a person looks at: state diagrams drawn from the machine tables (``diagram`` builds
the graph, ``drawing`` writes it as Mermaid or Graphviz DOT, ``graphviz`` turns DOT into SVG).
This room may import the rooms below the command line except ``sim.testing``.
"""
