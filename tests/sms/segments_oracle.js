// Twilio's own segment calculator (npm sms-segments-calculator) as an oracle for
// civic_app/sms/segments.py: reads a JSON array of strings on stdin and prints a JSON array
// of [segments, encoding] for them, in the same order. tests/sms/test_segments_oracle.py runs it.
const { SegmentedMessage } = require('sms-segments-calculator');

const chunks = [];
process.stdin.on('data', (chunk) => chunks.push(chunk));
process.stdin.on('end', () => {
  const texts = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  const counts = texts.map((text) => {
    const message = new SegmentedMessage(text);
    return [message.segmentsCount, message.getEncodingName()];
  });
  process.stdout.write(JSON.stringify(counts));
});
