import { parse } from '@babel/parser';
export default () => new Response(parse('let x = 1; x++').program.body[1].expression.type);
