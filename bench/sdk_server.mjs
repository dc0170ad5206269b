// sdk_server.mjs - the reference for `make bench`: the official TypeScript SDK
// (McpServer over stdio) serving the same trivial tool as the C fixture server.
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';

const server = new McpServer({ name: 'sdk-bench-server', version: '1.0.0' });

server.registerTool(
  'test_simple_text',
  { description: 'Returns one fixed text block.' },
  async () => ({
    content: [{ type: 'text', text: 'This is a simple text response for testing.' }],
  }),
);

await server.connect(new StdioServerTransport());
